import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog, subjects, type CandleLogReader, type CandleLogWriter } from '@exgate/bus';
import { compareDecimalStrings, INTERVALS, type Candle, type TradeBatch } from '@exgate/domain';
import { encodeTick } from '@exgate/proto';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore, type MarketStore } from '@exgate/store';
import { eventually } from '@exgate/testing';
import { createAggregator, type Aggregator } from './aggregator';
import { batchesOf, faultyCandleLog, faultyStore, fixturePrints, interleave, storedDifferences } from './testing/recovery';

const btc = fixturePrints('btcusdt-trade-stream.jsonl');
const eth = fixturePrints('ethusdt-trade-stream.jsonl');
/** Two real streams, 8 minutes across midnight, ~60 deliveries. */
const batches = interleave(batchesOf(btc, 400), batchesOf(eth, 400));
/** Messages per group the aggregator is handed: small, so that a write fails mid-stream. */
const GROUP_SIZE = 2;
/** The write that fails: about a third into the stream. */
const FAILING_CALL = 10;
const CONFIG = { intervals: INTERVALS, graceMs: 5_000, liveUpdates: false };
/** The waits below cover a whole stream written through the real engine: generous, and polled often. */
const WAIT = { timeoutMs: 20_000, intervalMs: 25 };

interface Scenario {
  readonly store: ClickHouseMarketStore;
  readonly log: MemoryTradeLog;
  readonly candleLog: MemoryCandleLog;
  /** What reached the candle topic, read by a downstream consumer. */
  readonly published: Candle[];
}

describe('aggregator recovery (in-memory log with consumer groups, real ClickHouse engine)', () => {
  let dataDir: string;
  const stores: ClickHouseMarketStore[] = [];
  const downstream: CandleLogReader[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-aggregator-recovery-'));
  });

  afterAll(async () => {
    await Promise.all(downstream.map((r) => r.close()));
    for (const s of stores) await s.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function scenario(database: string): Promise<Scenario> {
    const store = await openStore({ kind: 'embedded', dataDir, database });
    stores.push(store);
    const candleLog = new MemoryCandleLog();
    const published: Candle[] = [];
    const reader = candleLog.reader({ groupId: 'downstream' });
    downstream.push(reader);
    void reader.run(async ({ candle }) => {
      published.push(candle);
    });
    return { store, log: new MemoryTradeLog({ partitions: 4 }), candleLog, published };
  }

  function instance(s: Scenario, store: MarketStore = s.store, candleLog: CandleLogWriter = s.candleLog.writer()): Aggregator {
    return createAggregator({
      tradeLog: s.log.reader({ groupId: 'aggregator', groupSize: GROUP_SIZE }), store, candleLog, events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(), config: CONFIG,
    });
  }

  /** Every message in the log is handled and committed by the group. */
  const consumed = (s: Scenario) => () =>
    Array.from({ length: s.log.log.partitionCount }, (_, p) => p).every((p) => s.log.log.group('aggregator').committedOffset(p) >= s.log.log.bounds(p).end);

  async function expectExact(s: Scenario): Promise<void> {
    expect(await storedDifferences(s.store, btc, INTERVALS)).toEqual([]);
    expect(await storedDifferences(s.store, eth, INTERVALS)).toEqual([]);
    // At least once downstream: every closed candle stored also went out on the candle topic.
    const missing: string[] = [];
    for (const { exchange, symbol } of [btc[0]!, eth[0]!]) {
      for (const interval of INTERVALS) {
        for (const c of await s.store.candles({ exchange, symbol, interval, fromMs: 0, toMs: 1e13, limit: 100_000 })) {
          if (c.state === 'forming') continue;
          const sent = s.published.some((p) => p.symbol === symbol && p.interval === interval && p.openTimeMs === c.openTimeMs
            && p.version === c.version && compareDecimalStrings(p.volume, c.volume) === 0 && p.tradeCount === c.tradeCount);
          if (!sent) missing.push(`${symbol} ${interval} ${c.openTimeMs} v${c.version}`);
        }
      }
    }
    expect(missing).toEqual([]);
  }

  /** A healthy instance joins the group and takes what is left: everything ends exact. */
  async function nextFinishesExactly(s: Scenario): Promise<void> {
    const next = instance(s);
    await next.start();
    await eventually(consumed(s), { ...WAIT, what: 'the rest of the stream' });
    await next.stop();
    await expectExact(s);
  }

  /** Ways an instance dies mid-stream (at the FAILING_CALLth call): where, and what it runs on. */
  const faults: [string, (s: Scenario) => { store: MarketStore; candleLog: CandleLogWriter; failed: () => boolean }][] = [
    ['killed before a batch wrote anything', (s) => {
      const store = faultyStore(s.store, 'insertTrades', FAILING_CALL, true);
      return { store, candleLog: s.candleLog.writer(), failed: () => store.failed };
    }],
    ['crashed between the trade insert and the candle upsert', (s) => {
      const store = faultyStore(s.store, 'upsertCandles', FAILING_CALL, false);
      return { store, candleLog: s.candleLog.writer(), failed: () => store.failed };
    }],
    ['cut off from the candle topic with closed candles in hand', (s) => {
      const candleLog = faultyCandleLog(s.candleLog.writer(), FAILING_CALL);
      return { store: s.store, candleLog, failed: () => candleLog.failed };
    }],
  ];

  it.each(faults)('an instance %s mid-stream and never stopped: the next one in the group finishes exactly', async (name, inject) => {
    const s = await scenario(`recovery_${faults.findIndex(([n]) => n === name)}`);
    await s.log.writer().publish(batches);
    const fault = inject(s);
    const abandoned = instance(s, fault.store, fault.candleLog);
    await abandoned.start();
    await eventually(fault.failed, { ...WAIT, what: 'the injected failure' });
    expect(consumed(s)()).toBe(false);

    const next = instance(s);
    await next.start();
    await eventually(consumed(s), { ...WAIT, what: 'the rest of the stream' });
    expect(next.streams).toEqual(new Set(['binance-usdm:BTCUSDT', 'binance-usdm:ETHUSDT']));
    await next.stop();
    await expectExact(s);
  }, 120_000);

  it("an instance whose store of a write's candles fails once the group's next write is stored and published: the next one finishes exactly", async () => {
    const s = await scenario('recovery_behind');
    await s.log.writer().publish(batches);
    // A group holds all of a partition's messages: two writes of each stream (over printsPerWrite),
    // the first one's candles stored while the second goes on.
    let publishes = 0;
    let secondPublished!: () => void;
    const candleLog: CandleLogWriter = {
      publish: async (candles, encoded) => {
        await s.candleLog.writer().publish(candles, encoded);
        if (++publishes === 2) secondPublished();
      },
      close: async () => undefined,
    };
    const store = faultyStore(s.store, 'upsertCandles', 1, false, new Promise((resolve) => (secondPublished = resolve)));
    const abandoned = createAggregator({
      tradeLog: s.log.reader({ groupId: 'aggregator', groupSize: 100 }), store, candleLog, events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(), config: { ...CONFIG, printsPerWrite: 10_000 },
    });
    await abandoned.start();
    await eventually(() => store.failed, { ...WAIT, what: 'the injected failure' });
    expect(publishes).toBeGreaterThanOrEqual(2);
    expect(consumed(s)()).toBe(false);

    await nextFinishesExactly(s);
  }, 120_000);

  it('forgets a stream whose write failed: a tick after the failure stores no candle counting prints the store lacks', async () => {
    const s = await scenario('recovery_tick');
    await s.log.writer().publish(batches);
    const store = faultyStore(s.store, 'insertTrades', FAILING_CALL, false);
    const events = new MemoryEventBus();
    // One message per group: a failed group forgets every stream in it, and here one must stay held.
    const abandoned = createAggregator({
      tradeLog: s.log.reader({ groupId: 'aggregator', groupSize: 1 }), store, candleLog: s.candleLog.writer(), events,
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(), config: CONFIG,
    });
    await abandoned.start();
    await eventually(() => store.failed, { ...WAIT, what: 'the injected failure' });
    const before = store.candleWrites;
    events.publish(subjects.tick('binance-usdm'), encodeTick({ exchange: 'binance-usdm', schedule: '1m', tickTimeMs: Date.now(), scheduleId: 'x' }));
    await eventually(() => store.candleWrites > before, { ...WAIT, what: 'the tick to store the streams still held' });

    await nextFinishesExactly(s);
  }, 120_000);

  it('restarts between batches and takes a replayed range in stride: nothing lost, nothing doubled', async () => {
    const s = await scenario('recovery_restart');
    const half = Math.floor(batches.length / 2);
    await s.log.writer().publish(batches.slice(0, half));
    const first = instance(s);
    await first.start();
    await eventually(consumed(s), { ...WAIT, what: 'the first half' });
    await first.stop();

    const second = instance(s);
    await second.start();
    // The rest, then a range delivered again (a collector restarted from an older checkpoint).
    const replayed: TradeBatch[] = batches.slice(half - 10, half + 5);
    await s.log.writer().publish([...batches.slice(half), ...replayed]);
    await eventually(consumed(s), { ...WAIT, what: 'the second half and the replay' });
    await second.stop();
    await expectExact(s);
  }, 120_000);
});
