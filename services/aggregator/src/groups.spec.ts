import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog } from '@exgate/bus';
import { INTERVALS, type TradeBatch } from '@exgate/domain';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore, type MarketStore } from '@exgate/store';
import { eventually } from '@exgate/testing';
import { createAggregator, PRINTS_PER_WRITE } from './aggregator';
import { batchesOf, fixturePrints, interleave, storedDifferences } from './testing/recovery';

/** Below the default, so that the fixture's prints take several writes. */
const PRINTS_A_WRITE = PRINTS_PER_WRITE / 4;

const btc = fixturePrints('btcusdt-trade-stream.jsonl');
const eth = fixturePrints('ethusdt-trade-stream.jsonl');

type Counted = 'insertTrades' | 'upsertCandles' | 'trades' | 'candles' | 'newestTrades';

/** The store, counting the aggregator's writes and reads. */
function counting(store: MarketStore): { store: MarketStore; calls: Record<Counted, number>; inserted: number[] } {
  const calls = { insertTrades: 0, upsertCandles: 0, trades: 0, candles: 0, newestTrades: 0 };
  /** Prints in each insertTrades call. */
  const inserted: number[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof prop === 'string' && prop in calls) calls[prop as Counted]++;
        if (prop === 'insertTrades') inserted.push((args[0] as readonly unknown[]).length);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls, inserted };
}

/** All batches appended before an aggregator reads them (one partition, one group), then aggregated; the store's calls. */
async function aggregateAll(store: MarketStore, batches: readonly TradeBatch[]): Promise<ReturnType<typeof counting>['calls'] & { inserted: number[] }> {
  const log = new MemoryTradeLog({ partitions: 1 });
  await log.writer().publish(batches);
  const { store: watched, calls, inserted } = counting(store);
  const aggregator = createAggregator({
    tradeLog: log.reader({ groupId: 'aggregator' }), store: watched, candleLog: new MemoryCandleLog().writer(), events: new MemoryEventBus(),
    clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(),
    config: { intervals: INTERVALS, graceMs: 5_000, liveUpdates: false, printsPerWrite: PRINTS_A_WRITE },
  });
  await aggregator.start();
  await eventually(() => log.log.group('aggregator').committedOffset(0) === batches.length, { what: 'every message committed' });
  await aggregator.stop();
  return { ...calls, inserted };
}

describe('aggregator: one store write per group of messages (real ClickHouse engine)', () => {
  let dataDir: string;
  let store: ClickHouseMarketStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-aggregator-groups-'));
    store = await openStore({ kind: 'embedded', dataDir });
  });

  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the messages handed over together, of two streams, in as few inserts as the bound on their size allows, and the candles equal a recomputation', async () => {
    const batches = interleave(batchesOf(btc, 400), batchesOf(eth, 400));
    expect(batches.length).toBeGreaterThan(40);
    const { inserted, ...calls } = await aggregateAll(store, batches);

    // Whole messages up to PRINTS_A_WRITE prints an insert, and one candle write with each, not two
    // per message: a message that would take an insert past the bound starts the next one.
    let parts = 0;
    let pending = 0;
    for (const b of batches) {
      if (pending > 0 && pending + b.trades.length > PRINTS_A_WRITE) [parts, pending] = [parts + 1, 0];
      pending += b.trades.length;
    }
    parts += 1;
    expect(parts).toBeGreaterThan(1);
    expect(Math.max(...inserted)).toBeLessThanOrEqual(PRINTS_A_WRITE);
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(btc.length + eth.length);
    expect(parts).toBeLessThan(batches.length / 10);
    // And the two new streams were restored with one read for both: nothing stored, nothing more to read.
    expect(calls).toEqual({ insertTrades: parts, upsertCandles: parts, newestTrades: 1, trades: 0, candles: 0 });
    expect(await storedDifferences(store, btc, INTERVALS)).toEqual([]);
    expect(await storedDifferences(store, eth, INTERVALS)).toEqual([]);
  }, 60_000);

  it('restarted on a store that holds streams, reads their newest prints in one query and goes on exactly', async () => {
    // Streams of their own in the shared store (one engine folder per process).
    const [b, e] = [btc, eth].map((prints) => prints.map((t) => ({ ...t, exchange: 'restart-ex' })));
    const [bHalf, eHalf] = [Math.floor(b!.length / 2), Math.floor(e!.length / 2)];
    await aggregateAll(store, interleave(batchesOf(b!.slice(0, bHalf), 400), batchesOf(e!.slice(0, eHalf), 400)));
    const calls = await aggregateAll(store, interleave(batchesOf(b!.slice(bHalf), 400), batchesOf(e!.slice(eHalf), 400)));
    expect(calls.newestTrades).toBe(1);
    // Each restore still reads its candles and forming prints; only the first question was shared.
    expect(calls.candles).toBeGreaterThan(0);
    expect(await storedDifferences(store, b!, INTERVALS)).toEqual([]);
    expect(await storedDifferences(store, e!, INTERVALS)).toEqual([]);
  }, 90_000);
});
