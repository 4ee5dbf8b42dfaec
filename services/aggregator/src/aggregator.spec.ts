import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog, subjects } from '@exgate/bus';
import type { Candle, Trade, TradeBatch } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { decodeTradeBatch, encodeTick, encodeTradeBatch } from '@exgate/proto';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, fixtureLines } from '@exgate/testing';
import { createAggregator, type Aggregator } from './aggregator';

const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const prints: Trade[] = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').flatMap((line) => {
  const r = adapter.parseFrame(line, 1_800_000_000_000);
  return r.type === 'trades' ? [...r.trades] : [];
});
const batch = (trades: readonly Trade[], watermarkMs: number | null = null, gap: TradeBatch['gap'] = null): TradeBatch => ({
  exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', trades, watermarkMs, gap,
});
const MIN_0100 = 1721347260000; // 2024-07-19 00:01 UTC, a minute the capture covers whole

describe('aggregator (in-memory log, real ClickHouse engine)', () => {
  let dataDir: string;
  let store: ClickHouseMarketStore;
  let trades: MemoryTradeLog;
  let candles: MemoryCandleLog;
  let events: MemoryEventBus;
  let aggregator: Aggregator;
  const published: Candle[] = [];
  const live: string[] = [];
  const liveTrades: Trade[] = [];
  const metrics = new MetricsRegistry();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-aggregator-'));
    store = await openStore({ kind: 'embedded', dataDir });
    trades = new MemoryTradeLog();
    candles = new MemoryCandleLog();
    events = new MemoryEventBus();
    void candles.reader({ groupId: 'downstream' }).run(async ({ candle }) => {
      published.push(candle);
    });
    events.subscribe(subjects.allCandles, (_p, subject) => live.push(subject));
    events.subscribe(subjects.trades('binance-usdm', 'BTCUSDT'), (p) => liveTrades.push(...decodeTradeBatch(p).trades));
    aggregator = createAggregator({
      tradeLog: trades.reader({ groupId: 'aggregator' }), store, candleLog: candles.writer(), events,
      clock: systemClock, logger: silentLogger(), metrics,
      config: { intervals: ['1m', '5m'], graceMs: 0, liveUpdates: true },
    });
    await aggregator.start();
  });

  afterAll(async () => {
    await aggregator.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every message in the log has been handled and its offset committed. */
  const consumed = () => {
    const log = trades.log;
    return Array.from({ length: log.partitionCount }, (_, p) => p).every((p) => log.group('aggregator').committedOffset(p) >= log.bounds(p).end);
  };

  it('stores every print and the candles it builds, closing buckets as prints move time on', async () => {
    const half = Math.floor(prints.length / 2);
    await trades.writer().publish([batch(prints.slice(0, half)), batch(prints.slice(half))]);
    const lastId = prints[prints.length - 1]!.id;
    await eventually(async () => (await store.lastTradeId({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' })) === lastId, { what: 'the last print stored' });
    const minute = (await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: MIN_0100, toMs: MIN_0100, limit: 1 }))[0]!;
    expect(minute).toMatchObject({ state: 'closed', tradeCount: 1334, gapFree: true, version: 1 });
    expect([minute.open, minute.high, minute.low, minute.close, minute.volume]).toEqual(['63978', '63999.1', '63946.3', '63946.3', '101.412']);
    await eventually(() => published.some((c) => c.interval === '1m' && c.openTimeMs === MIN_0100), { what: 'the 00:01 minute on the candle log' });
    expect(published.find((c) => c.interval === '1m' && c.openTimeMs === MIN_0100)).toMatchObject({ tradeCount: 1334, state: 'closed' });
    expect(live).toContain(subjects.candle('binance-usdm', 'BTCUSDT', '1m'));
    // Every print, once stored, goes out live in id order (messages of at most 2,000 prints).
    expect(liveTrades.map((t) => t.id)).toEqual(prints.map((t) => t.id));
    expect(liveTrades[0]).toEqual(prints[0]);
    const counted = metrics.counter('exgate_aggregator_trades_total', '');
    expect(counted.get({ outcome: 'applied' })).toBe(prints.length);
    expect(counted.get({ outcome: 'duplicate' })).toBe(0);
    // Counted once stored, published a moment later: the two meet.
    const closedMinutes = () => published.filter((c) => c.interval === '1m' && c.state === 'closed').length;
    const countedMinutes = () => metrics.counter('exgate_aggregator_candles_total', '').get({ interval: '1m', state: 'closed' });
    await eventually(() => countedMinutes() > 0 && countedMinutes() === closedMinutes(), { what: 'closed minutes counted as published' });
  });

  it('counts prints delivered again as duplicates', async () => {
    const counted = metrics.counter('exgate_aggregator_trades_total', '');
    const before = counted.get({ outcome: 'duplicate' });
    await trades.writer().publish([batch(prints.slice(0, 100))]);
    await eventually(consumed, { what: 'the replayed message handled' });
    expect(counted.get({ outcome: 'duplicate' }) - before).toBe(100);
    expect(counted.get({ outcome: 'applied' })).toBe(prints.length);
  });

  it('changes nothing when the same batches are delivered again (at-least-once replay)', async () => {
    const before = await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: 0, toMs: 1_800_000_000_000, limit: 100 });
    await trades.writer().publish([batch(prints.slice(0, 500))]);
    const stored = () => store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', limit: 100_000, order: 'asc' });
    await eventually(consumed, { what: 'every message handled and committed' });
    expect(consumed()).toBe(true);
    expect((await stored()).map((t) => t.id)).toEqual(prints.map((t) => t.id));
    expect(await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: 0, toMs: 1_800_000_000_000, limit: 100 })).toEqual(before);
  });

  it('closes the forming bucket when the collector vouches for time, and on scanner ticks no further than that', async () => {
    const last = prints[prints.length - 1]!;
    const formingOpen = Math.floor(last.exchangeTimeMs / 60_000) * 60_000;
    const closedAt = async () => (await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: formingOpen, toMs: formingOpen, limit: 1 }))[0]?.state;
    expect(await closedAt()).toBe('forming');
    // A tick far ahead closes nothing: the collector has not vouched for that time.
    events.publish(subjects.tick('binance-usdm'), encodeTick({ exchange: 'binance-usdm', schedule: '1m', tickTimeMs: formingOpen + 3_600_000, scheduleId: 'x' }));
    await trades.writer().publish([batch([], formingOpen + 59_000)]);
    await eventually(consumed, { what: 'every message handled and committed' });
    expect(await closedAt()).toBe('forming');
    await trades.writer().publish([batch([], formingOpen + 120_000)]);
    await eventually(async () => (await closedAt()) === 'closed', { what: 'the forming minute to close' });
    expect(await closedAt()).toBe('closed');
    // The empty minute after it, while live and gap-free: flat at the previous close, no volume.
    const empty = (await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: formingOpen + 60_000, toMs: formingOpen + 60_000, limit: 1 }))[0]!;
    expect(empty).toMatchObject({ open: last.price.replace(/0+$/, '').replace(/\.$/, ''), close: empty.open, high: empty.open, low: empty.open, volume: '0', tradeCount: 0, gapFree: true });
  });

  it('exports the newest watermark per stream, which an older one does not move back', async () => {
    const watermark = () => metrics.gauge('exgate_aggregator_watermark_ms', '').get({ exchange: 'binance-usdm', symbol: 'BTCUSDT' });
    const last = prints[prints.length - 1]!;
    const newest = Math.floor(last.exchangeTimeMs / 60_000) * 60_000 + 120_000; // the previous test's last watermark
    expect(watermark()).toBe(newest);
    await trades.writer().publish([batch([], newest - 90_000)]);
    await eventually(consumed, { what: 'every message handled and committed' });
    expect(watermark()).toBe(newest);
    await trades.writer().publish([batch([], newest + 30_000)]);
    await eventually(() => watermark() === newest + 30_000, { what: 'the watermark to move on' });
    expect(metrics.render()).toContain(`exgate_aggregator_watermark_ms{exchange="binance-usdm",symbol="BTCUSDT"} ${newest + 30_000}`);
  });

  it('writes and publishes nothing for a watermark that closes no candle (what a quiet stream sends every second)', async () => {
    const rows = async () => Number((await store.driver.query<{ n: string }>(
      `SELECT count() AS n FROM ${store.database}.candles SETTINGS output_format_json_quote_64bit_integers = 1`,
    ))[0]!.n);
    const watermark = () => metrics.gauge('exgate_aggregator_watermark_ms', '').get({ exchange: 'binance-usdm', symbol: 'BTCUSDT' });
    const before = { rows: await rows(), live: live.length, published: published.length };
    // The previous test left the watermark 30 s into a minute: 1 and 2 s more close nothing.
    const from = watermark();
    await trades.writer().publish([batch([], from + 1_000), batch([], from + 2_000)]);
    await eventually(() => consumed() && watermark() === from + 2_000, { what: 'both watermarks handled' });
    expect({ rows: await rows(), live: live.length, published: published.length }).toEqual(before);
  });

  it('passes a message read as bytes on live as those very bytes; a batch with a gap goes out encoded anew, without it', async () => {
    const payloads: Uint8Array[] = [];
    const unsubscribe = events.subscribe(subjects.trades('binance-usdm', 'BTCUSDT'), (p) => payloads.push(p));
    // With a field this version does not know (20, skipped by the decoder): only the bytes passed on carry it.
    const asBytes = Uint8Array.from([...encodeTradeBatch(batch(prints.slice(0, 3))), 160, 1, 5]);
    const last = prints[prints.length - 1]!.exchangeTimeMs;
    const gapped = batch(prints.slice(3, 5), null, { fromMs: last + 600_000, toMs: last + 660_000 });
    // A foreign producer's bytes, as Kafka hands them over (already stored prints: duplicates).
    trades.log.append([{ key: 'binance-usdm:BTCUSDT', value: asBytes }, { key: 'binance-usdm:BTCUSDT', value: encodeTradeBatch(gapped) }]);
    await eventually(() => payloads.length === 2, { what: 'both live messages' });
    unsubscribe();
    expect(Buffer.from(payloads[0]!).equals(Buffer.from(asBytes))).toBe(true);
    expect(decodeTradeBatch(payloads[0]!)).toEqual(batch(prints.slice(0, 3)));
    expect(decodeTradeBatch(payloads[1]!)).toEqual({ ...gapped, gap: null });
  });
});
