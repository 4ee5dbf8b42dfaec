import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { CANDLE_TOPIC_CONFIGS, candleMessageKey, topicConfigDrift, type TradeLogWriter } from '@exgate/bus';
import { lastPerKey, readCandleTopic } from '@exgate/bus/testing';
import type { Candle, IntervalId, Trade, TradeBatch } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { connectDistributedBus, namespaced, type DistributedBus } from '@exgate/platform';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, fixtureLines, kafkaBrokers, natsUrl, uniqueName } from '@exgate/testing';
import { createAggregator, type Aggregator } from './aggregator';
import { runKafkaEngine } from './testing/kafka-engine';

jest.setTimeout(180_000);

/**
 * Issue 8 part 5's proof: the aggregator publishes to the real Kafka, a downstream consumer group
 * that starts afterwards reads the candle topic (and its JSON variant) from the start and gets
 * exactly the candles the store holds, at their latest versions.
 */
const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const prints: Trade[] = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').flatMap((line) => {
  const r = adapter.parseFrame(line, 1_800_000_000_000);
  return r.type === 'trades' ? [...r.trades] : [];
});
const MIN_0100 = 1721347260000; // 2024-07-19 00:01 UTC, a minute the capture covers whole
const DAY_BEFORE = prints[0]!.exchangeTimeMs - 86_400_000;
const DAY_AFTER = prints.at(-1)!.exchangeTimeMs + 86_400_000;
const INTERVALS_BUILT: readonly IntervalId[] = ['1m', '5m'];

const byKey = (a: Candle, b: Candle) => (candleMessageKey(a) < candleMessageKey(b) ? -1 : 1);

const namespace = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const names = namespaced(namespace);

describe('candle topic: a late consumer gets the stored candles (real Kafka, real ClickHouse engine)', () => {
  let dataDir: string;
  let store: ClickHouseMarketStore;
  let bus: DistributedBus;
  let admin: Admin;
  let aggregator: Aggregator;
  let trades: TradeLogWriter;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-candle-topic-'));
    store = await openStore({ kind: 'embedded', dataDir });
    bus = await connectDistributedBus({
      KAFKA_BROKERS: kafkaBrokers(), KAFKA_CLIENT_ID: 'exgate-test', KAFKA_PARTITIONS: 3, NATS_URL: natsUrl(),
      EXGATE_NAMESPACE: namespace, KAFKA_CANDLES_JSON: true,
    }, silentLogger(), 'test');
    admin = bus.kafka.admin();
    await admin.connect();
    aggregator = createAggregator({
      tradeLog: bus.tradeReader('aggregator'), store, candleLog: bus.candleWriter(), events: bus.events,
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(),
      // Wide grace: the held-back prints below correct candles long closed by the watermark.
      config: { intervals: INTERVALS_BUILT, graceMs: 24 * 3_600_000, liveUpdates: false },
    });
    await aggregator.start();
    trades = bus.tradeWriter();
  });

  afterAll(async () => {
    await aggregator?.stop();
    await admin?.deleteTopics({ topics: [names.tradesTopic, names.candlesTopic, names.candlesJsonTopic] }).catch(() => undefined);
    await admin?.disconnect();
    await bus?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const batch = (t: readonly Trade[], watermarkMs: number): TradeBatch => ({
    exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', trades: t, watermarkMs, gap: null,
  });

  /**
   * A candle with its decimals written without trailing zeros: the store's Decimal columns give
   * `63960` for the `63960.00` the engine published, the same exact value.
   */
  const exact = (c: Candle): Candle => {
    const d = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
    return {
      ...c, open: d(c.open), high: d(c.high), low: d(c.low), close: d(c.close), volume: d(c.volume),
      quoteVolume: d(c.quoteVolume), takerBuyVolume: d(c.takerBuyVolume), takerBuyQuoteVolume: d(c.takerBuyQuoteVolume),
    };
  };

  /** Every closed or corrected candle in the store (forming ones never go to the topic), sorted by key. */
  async function storedCandles(): Promise<Candle[]> {
    const all: Candle[] = [];
    for (const interval of INTERVALS_BUILT) {
      all.push(...await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval, fromMs: DAY_BEFORE, toMs: DAY_AFTER, limit: 10_000 }));
    }
    return all.filter((c) => c.state !== 'forming').sort(byKey);
  }

  it('finds both candle topics created compacted by the bus', async () => {
    for (const topic of [names.candlesTopic, names.candlesJsonTopic]) {
      expect(await topicConfigDrift(admin, topic, CANDLE_TOPIC_CONFIGS)).toEqual({});
    }
  });

  it('closes, corrects print by print, and a group that starts afterwards reads exactly the stored candles, from either topic', async () => {
    // Two runs of prints of the 00:01 minute are held back: the minute closes incomplete (an id
    // jump), then every late print corrects it (a version each), and its 5m bucket with it.
    const inMinute = prints.filter((t) => t.exchangeTimeMs >= MIN_0100 && t.exchangeTimeMs < MIN_0100 + 60_000);
    const heldA = inMinute.slice(100, 110);
    const heldB = inMinute.slice(500, 505);
    const held = new Set([...heldA, ...heldB].map((t) => t.id));
    const watermark = prints.at(-1)!.exchangeTimeMs;
    await trades.publish([batch(prints.filter((t) => !held.has(t.id)), watermark)]);
    await trades.publish([batch(heldA, watermark)]);
    await trades.publish([batch(heldB, watermark)]);

    const finalVersion = 1 + held.size;
    await eventually(async () => (await storedCandles()).some((c) => c.interval === '1m' && c.openTimeMs === MIN_0100 && c.version === finalVersion), {
      what: 'the 00:01 minute with every late print in the store', timeoutMs: 60_000, intervalMs: 200,
    });
    const stored = await storedCandles();
    expect(stored.find((c) => c.interval === '1m' && c.openTimeMs === MIN_0100)).toMatchObject({ state: 'corrected', gapFree: true, tradeCount: 1334 });
    expect(new Set(stored.map((c) => c.interval))).toEqual(new Set(INTERVALS_BUILT));
    // The store is written after the topic: once it holds them, the topic has them too.

    const proto = await readCandleTopic(bus.kafka, admin, names.candlesTopic, 'protobuf');
    expect(lastPerKey(proto).map(exact)).toEqual(stored.map(exact));
    // Every version went out, each after the one before it, in the series' one partition.
    const versions = proto.filter((d) => d.candle.interval === '1m' && d.candle.openTimeMs === MIN_0100);
    expect(versions.map((d) => d.candle.version)).toEqual(Array.from({ length: finalVersion }, (_, i) => i + 1));
    expect(versions.map((d) => d.candle.state)).toEqual(['closed', ...Array<string>(held.size).fill('corrected')]);
    expect(versions.map((d) => d.candle.gapFree)).toEqual([...Array<boolean>(held.size).fill(false), true]);
    expect(versions[0]!.key).toBe(`binance-usdm:BTCUSDT:1m:${MIN_0100}`);
    for (const interval of INTERVALS_BUILT) {
      expect(new Set(proto.filter((d) => d.candle.interval === interval).map((d) => d.partition)).size).toBe(1);
    }

    const json = await readCandleTopic(bus.kafka, admin, names.candlesJsonTopic, 'json');
    expect(lastPerKey(json).map(exact)).toEqual(stored.map(exact));
    // The same messages, partition by partition, in the same order.
    const sequence = (ds: typeof proto) => [...ds].sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset)).map((d) => `${d.partition}/${d.key}`);
    expect(sequence(json)).toEqual(sequence(proto));
  });

  it("fills the ClickHouse Kafka engine table of docs/kafka.md from the JSON topic with exactly the stored candles", async () => {
    const doc = await readFile(path.join(__dirname, '../../../docs/kafka.md'), 'utf8');
    const ddl = /```sql\n(CREATE DATABASE IF NOT EXISTS downstream;[\s\S]*?)```/.exec(doc)?.[1];
    expect(ddl).toBeDefined();
    const statements = ddl!
      .replace("'kafka:9092'", `'${kafkaBrokers().join(',')}'`)
      .replace("'exgate.candles-json.v2'", `'${names.candlesJsonTopic}'`)
      .replace("'clickhouse-exgate-candles'", `'${uniqueName('clickhouse')}'`)
      .split(/;\s*\n/)
      .map((sql) => sql.trim())
      .filter((sql) => sql.length > 0);
    expect(statements).toHaveLength(4);
    const stored = (await storedCandles()).map(exact);
    const rows = await runKafkaEngine({
      dataDir: path.join(dataDir, 'downstream'), statements, expect: stored.length, timeoutMs: 60_000,
      query: `SELECT exchange, symbol, interval, toUnixTimestamp64Milli(open_time) AS open_ms, toUnixTimestamp64Milli(close_time) AS close_ms,
                     toString(open) AS o, toString(high) AS h, toString(low) AS l, toString(close) AS c, toString(volume) AS v,
                     toString(quote_volume) AS qv, toString(taker_buy_volume) AS tbv, toString(taker_buy_quote_volume) AS tbqv,
                     trade_count, first_trade_id, last_trade_id, gap_free, toString(state) AS state, version
              FROM downstream.candles FINAL ORDER BY exchange, symbol, interval, open_time`,
    });
    const asCandles: Candle[] = rows.map((r) => ({
      exchange: String(r.exchange), symbol: String(r.symbol), interval: r.interval as IntervalId,
      openTimeMs: Number(r.open_ms), closeTimeMs: Number(r.close_ms),
      open: String(r.o), high: String(r.h), low: String(r.l), close: String(r.c), volume: String(r.v),
      quoteVolume: String(r.qv), takerBuyVolume: String(r.tbv), takerBuyQuoteVolume: String(r.tbqv),
      tradeCount: Number(r.trade_count), firstTradeId: r.first_trade_id === null ? null : Number(r.first_trade_id),
      lastTradeId: r.last_trade_id === null ? null : Number(r.last_trade_id), gapFree: Boolean(r.gap_free),
      state: r.state as Candle['state'], version: Number(r.version),
    }));
    expect(asCandles.sort(byKey)).toEqual(stored);
  });

  it('runs the kafkajs consumer of docs/kafka.md: it ends on the stored candles', async () => {
    const doc = await readFile(path.join(__dirname, '../../../docs/kafka.md'), 'utf8');
    const script = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(script).toBeDefined();
    const code = script!
      .replace("['kafka:9092']", JSON.stringify(kafkaBrokers()))
      .replace("'exgate.candles-json.v2'", `'${names.candlesJsonTopic}'`)
      .replace("groupId: 'candle-script'", `groupId: '${uniqueName('script')}'`)
      .replace("clientId: 'candle-script'", "clientId: 'candle-script', logLevel: 0");
    const stored = (await storedCandles()).map(exact);
    // node -e from the repository root: require('kafkajs') resolves as in a user's project.
    const child = spawn(process.execPath, ['-e', code], { cwd: path.join(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const last = new Map<string, { version: number; close: string }>();
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [key, version, close] = line.split(' ') as [string, string, string];
        last.set(key, { version: Number(version), close });
      }
    });
    try {
      await eventually(() => stored.every((c) => last.get(candleMessageKey(c))?.version === c.version), {
        what: `the script printed every stored candle at its version (stderr: ${stderr})`, timeoutMs: 60_000, intervalMs: 250,
      });
      expect([...last.keys()].sort()).toEqual(stored.map(candleMessageKey));
      for (const c of stored) expect(exact({ ...c, close: last.get(candleMessageKey(c))!.close })).toEqual(c);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
