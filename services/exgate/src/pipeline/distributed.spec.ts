import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAggregator, type Aggregator } from '@exgate/aggregator';
import { createApi, createApiDeps } from '@exgate/api';
import { buckets, KafkaCandleLogReader } from '@exgate/bus';
import type { Candle } from '@exgate/domain';
import { BinanceUsdmSimulator } from '@exgate/exchanges/testing';
import { connectDistributedBus, createAdapters, namespaced, type DistributedBus } from '@exgate/platform';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { createScheduler, NatsKvLeadership, type Scheduler } from '@exgate/scheduler';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, kafkaBrokers, natsUrl } from '@exgate/testing';
import type { FastifyInstance } from 'fastify';
import { coveredBinanceKlines, differences, klineLines, tradeLines } from '../testing/binance-window';
import { spawnService, type ServiceProcess } from '../testing/processes';

jest.setTimeout(180_000);

const logger = silentLogger();
const namespace = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const busEnv = {
  KAFKA_BROKERS: kafkaBrokers(), KAFKA_CLIENT_ID: 'exgate-test', KAFKA_PARTITIONS: 4, NATS_URL: natsUrl(), EXGATE_NAMESPACE: namespace,
};

describe('pipeline, distributed: simulator → collector process → Kafka → aggregator → ClickHouse engine → API', () => {
  let sim: BinanceUsdmSimulator;
  let collector: ServiceProcess;
  let bus: DistributedBus;
  let store: ClickHouseMarketStore;
  let dataDir: string;
  let aggregator: Aggregator;
  let scheduler: Scheduler;
  let api: FastifyInstance;
  let base: string;
  const published: Candle[] = [];
  let candleReader: KafkaCandleLogReader;

  beforeAll(async () => {
    sim = await BinanceUsdmSimulator.start({ host: '127.0.0.1', recordings: { BTCUSDT: { trade: tradeLines(), klines1m: klineLines() } }, pace: 'asap' });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-distributed-'));
    store = await openStore({ kind: 'embedded', dataDir });
    bus = await connectDistributedBus(busEnv, logger, 'test');
    const metrics = new MetricsRegistry();
    aggregator = createAggregator({
      tradeLog: bus.tradeReader('aggregator'), store, candleLog: bus.candleWriter(), events: bus.events,
      clock: systemClock, logger, metrics, config: { intervals: ['1m', '5m', '1h'], graceMs: 2_000, liveUpdates: true },
    });
    await aggregator.start();
    const leadership = await NatsKvLeadership.open(bus.nats, { bucket: namespaced(namespace).bucket('lease'), leaseMs: 5_000, replicaId: 'test', logger });
    const schedules = await bus.kv(buckets.schedules);
    scheduler = createScheduler({ schedules, events: bus.events, leadership, clock: systemClock, logger, metrics, pollIntervalMs: 100 });
    await scheduler.start();
    const adapters = createAdapters(
      { EXGATE_EXCHANGES: ['binance-usdm'], BINANCE_USDM_STREAM: 'aggTrade', BINANCE_USDM_WS_URL: sim.wsBaseUrl, BINANCE_USDM_REST_URL: sim.restBaseUrl },
      systemClock, logger,
    );
    api = await createApi(createApiDeps({
      store, adapters, events: bus.events, clock: systemClock, logger, metrics,
      subscriptions: await bus.kv(buckets.subscriptions), schedules,
      kindOf: () => 'aggTrade', ready: async () => ({ store: true }),
    }), {});
    await api.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
    candleReader = new KafkaCandleLogReader({ kafka: bus.kafka, groupId: `${namespace}-downstream`, logger, topic: namespaced(namespace).candlesTopic });
    void candleReader.run(async ({ candle }) => {
      published.push(candle);
    }).catch(() => undefined);

    collector = spawnService('collector', {
      ...Object.fromEntries(Object.entries(busEnv).map(([k, v]) => [k, String(v)])),
      BINANCE_USDM_WS_URL: sim.wsBaseUrl, BINANCE_USDM_REST_URL: sim.restBaseUrl, COLLECTOR_FLUSH_MS: '50',
    });
  });

  afterAll(async () => {
    collector?.child.kill('SIGKILL');
    await candleReader?.close();
    await api?.close();
    await scheduler?.stop();
    await aggregator?.stop();
    await bus?.close();
    await sim?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = async (route: string) => {
    const res = await fetch(base + route);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('pulls through the API, collects every print once and serves the candles Binance published', async () => {
    expect(await get('/v1/fbinance/aggtrade/pull/BTCUSDT/1m')).toMatchObject({ status: 200, body: { status: 'started' } });
    // The catalog reads the same NATS KV bucket the collector follows.
    expect(await get('/v1/exchanges')).toMatchObject({ status: 200, body: { exchanges: [{ id: 'binance-usdm', symbols: ['BTCUSDT'] }] } });
    await sim.drained();
    const lastId = Math.max(...sim.printedIds('BTCUSDT', 'aggTrade'));
    await eventually(async () => (await store.lastTradeId({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade' })) === lastId, {
      what: 'the last print stored', timeoutMs: 90_000, intervalMs: 200,
    });
    const ids = (await store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', limit: 100_000, order: 'asc' })).map((t) => t.id);
    expect(ids).toEqual(sim.printedIds('BTCUSDT', 'aggTrade'));

    const expected = coveredBinanceKlines();
    const first = expected[0]!.openTimeMs;
    const last = expected[expected.length - 1]!.openTimeMs;
    // The aggregator stores a batch's trades before its candles: the last print stored does not
    // mean its candles are yet.
    const ours = await eventually(async () => {
      const { status, body } = await get(`/v1/fbinance/exgate/kline/BTCUSDT/1m/${first}/${last}`);
      const kline = status === 200 ? (body.kline as Record<string, unknown>[]) : [];
      return kline.length === expected.length && kline.every((k) => k.state === 'closed') && kline;
    }, { what: `all ${expected.length} covered minutes served closed`, timeoutMs: 30_000, intervalMs: 200 });
    expect(ours.map((k) => k.open_time)).toEqual(expected.map((k) => k.openTimeMs));
    expect(expected.flatMap((k, i) => differences(ours[i]!, k))).toEqual([]);
    expect(ours.every((k) => k.state === 'closed' && k.gap_free === true)).toBe(true);

    // genkline recomputes the same window from the stored trades.
    const generated = await get(`/v1/fbinance/genkline/BTCUSDT/1m?startTime=${first}&endTime=${last}`);
    expect(expected.flatMap((k, i) => differences((generated.body.kline as Record<string, unknown>[])[i]!, k))).toEqual([]);
  });

  it('carries the closed candles on the candle topic for downstream consumers', async () => {
    const expected = coveredBinanceKlines();
    const closed1m = () => published.filter((c) => c.interval === '1m' && c.symbol === 'BTCUSDT');
    await eventually(() => closed1m().length >= expected.length, { what: `${expected.length} closed 1m candles on the topic`, timeoutMs: 30_000, intervalMs: 200 });
    for (const k of expected) {
      const c = closed1m().find((x) => x.openTimeMs === k.openTimeMs)!;
      expect(differences({
        open_time: c.openTimeMs, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume,
        close_time: c.closeTimeMs, quote_volume: c.quoteVolume, trade_count: c.tradeCount,
        taker_buy_volume: c.takerBuyVolume, taker_buy_quote_volume: c.takerBuyQuoteVolume,
      }, k)).toEqual([]);
    }
  });

  it("proxies the exchange's own klines and answers recent trades", async () => {
    const expected = coveredBinanceKlines();
    const { body } = await get(`/v1/binance-usdm/kline/BTCUSDT/1m?startTime=${expected[0]!.openTimeMs}&limit=3`);
    const proxied = body.kline as Record<string, unknown>[];
    expect(expected.slice(0, 3).flatMap((k, i) => differences(proxied[i]!, k))).toEqual([]);
    const recent = await get('/v1/fbinance/recent/BTCUSDT');
    const trades = recent.body.trade as { id: string }[];
    expect(trades[trades.length - 1]!.id).toBe(String(Math.max(...sim.printedIds('BTCUSDT', 'aggTrade'))));
  });

  it('regenerates candles from the stored trades through the scanner route: nothing to change, twice', async () => {
    for (const interval of ['1m', '5m']) {
      const first = await get(`/v1/fbinance/aggtrade/scanner/kline/BTCUSDT/${interval}`);
      expect(first).toMatchObject({ status: 200, body: { status: 'regenerated' } });
      // The live candles already equal the recomputation, so the scan rewrites none of them.
      expect(first.body.desc).toMatch(new RegExp(`^regenerated 0 ${interval} candles of BTCUSDT on binance-usdm from [1-9][0-9]* stored trades`));
      expect((await get(`/v1/fbinance/aggtrade/scanner/kline/BTCUSDT/${interval}`)).body.desc).toBe(first.body.desc);
    }
  });

  it('registers a scanner schedule that the scheduler arms and ticks on NATS', async () => {
    const ticks: string[] = [];
    const off = bus.events.subscribe('exgate.ticks.binance-usdm', (_p, subject) => ticks.push(subject));
    expect(await get('/v1/fbinance/aggtrade/scanner/allkline/1s')).toMatchObject({ status: 200, body: { status: 'scheduled' } });
    await eventually(() => ticks.length > 0, { what: 'a scanner tick on NATS', timeoutMs: 10_000, intervalMs: 100 });
    off();
    expect(ticks.length).toBeGreaterThan(0);
  });

  it('stops pulling through the API, and the collector stops cleanly on SIGTERM', async () => {
    expect(await get('/v1/fbinance/aggtrade/stop/BTCUSDT/1m')).toMatchObject({ status: 200, body: { status: 'stopped' } });
    expect(await get('/v1/fbinance/aggtrade/stop/BTCUSDT/1m')).toMatchObject({ status: 400, body: { code: 9 } });
    expect(await get('/v1/exchanges')).toMatchObject({ status: 200, body: { exchanges: [{ id: 'binance-usdm', symbols: [] }] } });
    collector.child.kill('SIGTERM');
    expect(await collector.exit).toBe(0);
  });
});
