import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAggregator, type Aggregator } from '@exgate/aggregator';
import { buildCandles, compareDecimalStrings, type Candle, type IntervalId } from '@exgate/domain';
import { BinanceUsdmSimulator } from '@exgate/exchanges/testing';
import { connectDistributedBus, type DistributedBus } from '@exgate/platform';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, kafkaBrokers, natsUrl } from '@exgate/testing';
import { encodeRecord, buckets, subscriptionKey } from '@exgate/bus';
import { tradeLines } from '../testing/binance-window';
import { spawnService, type ServiceProcess } from '../testing/processes';

jest.setTimeout(240_000);

const logger = silentLogger();
const INTERVALS: IntervalId[] = ['1m', '5m', '1h'];
const KLINE_DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/** Stored candles that differ from a recomputation of the stored trades (closed buckets). */
function wrongCandles(stored: readonly Candle[], recomputed: readonly Candle[]): string[] {
  const byOpen = new Map(stored.map((c) => [c.openTimeMs, c]));
  return recomputed.filter((c) => c.state !== 'forming').flatMap((c) => {
    const s = byOpen.get(c.openTimeMs);
    if (!s) return [`${c.interval} ${c.openTimeMs}: missing`];
    const bad = KLINE_DECIMALS.filter((f) => compareDecimalStrings(s[f], c[f]) !== 0);
    if (s.tradeCount !== c.tradeCount) bad.push('tradeCount' as never);
    return bad.length === 0 ? [] : [`${c.interval} ${c.openTimeMs}: ${bad.join(', ')}`];
  });
}

describe('graceful stop: SIGTERM to the collector and a stop of the aggregator mid-stream lose nothing', () => {
  const namespace = `g${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const busEnv = { KAFKA_BROKERS: kafkaBrokers(), KAFKA_CLIENT_ID: 'exgate-test', KAFKA_PARTITIONS: 4, NATS_URL: natsUrl(), EXGATE_NAMESPACE: namespace };
  let sim: BinanceUsdmSimulator;
  let bus: DistributedBus;
  let store: ClickHouseMarketStore;
  let dataDir: string;
  const collectors: ServiceProcess[] = [];
  const aggregators: Aggregator[] = [];

  const startCollector = () => {
    const p = spawnService('collector', {
      ...Object.fromEntries(Object.entries(busEnv).map(([k, v]) => [k, String(v)])),
      BINANCE_USDM_WS_URL: sim.wsBaseUrl, BINANCE_USDM_REST_URL: sim.restBaseUrl, COLLECTOR_FLUSH_MS: '50',
    });
    collectors.push(p);
    return p;
  };
  const startAggregator = async () => {
    const a = createAggregator({
      tradeLog: bus.tradeReader('aggregator'), store, candleLog: bus.candleWriter(), events: bus.events,
      clock: systemClock, logger, metrics: new MetricsRegistry(), config: { intervals: INTERVALS, graceMs: 2_000, liveUpdates: false },
    });
    await a.start();
    aggregators.push(a);
    return a;
  };
  const printed = () => sim.printedIds('BTCUSDT', 'aggTrade');
  const stored = () => store.lastTradeId({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade' });

  beforeAll(async () => {
    sim = await BinanceUsdmSimulator.start({ host: '127.0.0.1', recordings: { BTCUSDT: { trade: tradeLines().slice(0, 5000) } }, pace: { speed: 40 } });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-graceful-'));
    store = await openStore({ kind: 'embedded', dataDir });
    bus = await connectDistributedBus(busEnv, logger, 'test');
    const subscriptions = await bus.kv(buckets.subscriptions);
    await subscriptions.put(subscriptionKey('binance-usdm', 'BTCUSDT'), encodeRecord({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', sinceMs: 0 }));
  });

  afterAll(async () => {
    for (const c of collectors) c.child.kill('SIGKILL');
    for (const a of aggregators) await a.stop().catch(() => undefined);
    await bus?.close();
    await sim?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('every print is stored once and every candle equals a recomputation', async () => {
    const total = 5000;
    await startAggregator();
    const first = startCollector();
    await eventually(() => printed().length > 0, { what: 'the collector process up and subscribed', timeoutMs: 60_000 });
    await eventually(() => printed().length > total * 0.25, { what: 'a quarter of the stream printed', timeoutMs: 60_000 });
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    // While no collector runs the exchange keeps printing; the next one backfills from its checkpoint.
    startCollector();
    await eventually(async () => ((await stored()) ?? 0) > printed()[Math.floor(printed().length * 0.6)]!, { what: 'the second collector to store past 60% of the prints', timeoutMs: 90_000 });
    await aggregators[0]!.stop();
    await startAggregator();
    await sim.drained();
    const lastId = Math.max(...printed());
    await eventually(async () => (await stored()) === lastId, { what: 'the last print stored', timeoutMs: 90_000 });

    const trades = await store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', limit: 1_000_000, order: 'asc' });
    expect(trades.map((t) => t.id)).toEqual(printed());
    const fromMs = trades[0]!.exchangeTimeMs;
    const toMs = trades[trades.length - 1]!.exchangeTimeMs;
    // The aggregator publishes after the store; give its last batch a moment to land.
    await eventually(async () => (await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs, toMs, limit: 10_000 })).length > 0, { what: 'the 1m candles stored' });
    for (const interval of INTERVALS) {
      const candles = await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval, fromMs: 0, toMs, limit: 10_000 });
      expect(wrongCandles(candles, buildCandles(trades, interval))).toEqual([]);
    }
  });
});
