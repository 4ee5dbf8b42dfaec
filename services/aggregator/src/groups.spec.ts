import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog } from '@exgate/bus';
import { INTERVALS } from '@exgate/domain';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore, type MarketStore } from '@exgate/store';
import { eventually } from '@exgate/testing';
import { createAggregator, PRINTS_PER_WRITE } from './aggregator';
import { batchesOf, fixturePrints, interleave, storedDifferences } from './testing/recovery';

const btc = fixturePrints('btcusdt-trade-stream.jsonl');
const eth = fixturePrints('ethusdt-trade-stream.jsonl');

/** The store, counting the aggregator's writes. */
function counting(store: MarketStore): { store: MarketStore; calls: Record<'insertTrades' | 'upsertCandles', number> } {
  const calls = { insertTrades: 0, upsertCandles: 0 };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'insertTrades' || prop === 'upsertCandles') calls[prop]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
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
    const log = new MemoryTradeLog({ partitions: 1 });
    const batches = interleave(batchesOf(btc, 400), batchesOf(eth, 400));
    expect(batches.length).toBeGreaterThan(40);
    // All appended before the aggregator reads: one partition, one group.
    await log.writer().publish(batches);
    const { store: watched, calls } = counting(store);
    const aggregator = createAggregator({
      tradeLog: log.reader({ groupId: 'aggregator' }), store: watched, candleLog: new MemoryCandleLog().writer(), events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(),
      config: { intervals: INTERVALS, graceMs: 5_000, liveUpdates: false },
    });
    await aggregator.start();
    await eventually(() => log.log.group('aggregator').committedOffset(0) === batches.length, { what: 'every message committed' });
    await aggregator.stop();

    // One insert per PRINTS_PER_WRITE prints, and one candle write with each, not two per message.
    const parts = Math.ceil((btc.length + eth.length) / PRINTS_PER_WRITE);
    expect(parts).toBeLessThan(batches.length / 10);
    expect(calls).toEqual({ insertTrades: parts, upsertCandles: parts });
    expect(await storedDifferences(store, btc, INTERVALS)).toEqual([]);
    expect(await storedDifferences(store, eth, INTERVALS)).toEqual([]);
  }, 60_000);
});
