import os from 'node:os';
import path from 'node:path';
import { kafkaBrokers } from '@exgate/testing';
import { createManyRun } from './harness/many';
import { describeSeries, measureSeries, perStreamBytes } from './harness/measure';
import { INTERVALS } from './harness/services';
import { verify } from './harness/verify';

/**
 * Issue 7's scale proof: one collector and one aggregator (each its own process, as in a pod)
 * carry 50 symbols across three exchanges, each exchange on its own simulator, through the real
 * Kafka and NATS into the embedded ClickHouse engine. Judged from storage as the fault runs are.
 */
const EXCHANGES = ['binance-usdm', 'bybit', 'hotbit'];
const SYMBOLS = 50;
const PRINTS_PER_SYMBOL = 400;
/**
 * What one more stream may cost a service's heap, with a wide margin for garbage not yet collected
 * (measured: see the log line; `npm run bench -- series` measures 500).
 */
const HEAP_PER_STREAM_BOUND = 1_000_000;

describe('many symbols in one collector and one aggregator', () => {
  it(`stores each of ${SYMBOLS} symbols on ${EXCHANGES.length} exchanges whole, with bounded memory per stream`, async () => {
    const run = await createManyRun({
      exchanges: EXCHANGES, symbols: SYMBOLS, printsPerSymbol: PRINTS_PER_SYMBOL, pace: 'asap',
      brokers: kafkaBrokers(), root: path.join(os.tmpdir(), 'exgate-many'), intervals: INTERVALS,
    });
    let passed = false;
    try {
      expect(run.exchanges.map((x) => [x.exchange.id, x.symbols.length])).toEqual([['binance-usdm', 17], ['bybit', 17], ['hotbit', 16]]);
      const figures = await measureSeries(run, { timeoutMs: 180_000, idleMs: 2_000 });
      process.stdout.write(`many symbols (${run.dir}):\n  ${describeSeries(figures, INTERVALS.length).join('\n  ')}\n`);
      const store = run.openStore();
      for (const x of run.exchanges) {
        const v = await verify(store, x);
        const printed = [...x.truth.values()].reduce((n, t) => n + t.length, 0);
        // Every print the exchange sent is stored once; what it printed but never sent (HotBit's
        // first push after a subscribe holds only its newest 100 deals) lies in candles marked incomplete.
        expect({ exchange: x.exchange.id, ...v, stored: v.trades - v.excused, problems: v.problems.slice(0, 3) }).toEqual({
          exchange: x.exchange.id, trades: x.exchange.contiguous ? x.expected() : printed, stored: x.expected(),
          lost: 0, excused: x.exchange.contiguous ? 0 : printed - x.expected(), duplicated: 0, phantom: 0, wrong: 0, rawRows: x.expected(), problems: [],
        });
      }
      for (const service of ['collector', 'aggregator'] as const) {
        expect(perStreamBytes(figures, service, 'heapUsedBytes')).toBeLessThan(HEAP_PER_STREAM_BOUND);
      }
      passed = true;
    } finally {
      await run.close(!passed);
    }
  }, 600_000);
});
