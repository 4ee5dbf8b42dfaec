import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import { hotbitFramesFromBinance } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';

jest.setTimeout(120_000);

type KlineJson = Record<string, unknown> & { open_time: number; open: string; high: string; low: string; close: string; volume: string };

/**
 * `npm start -- --replay FILE --exchange hotbit`: HotBit frames (real Binance prints re-encoded,
 * HotBit left none) played by the HotBit simulator, collected over its gzip websocket, stored,
 * aggregated with HotBit's candle rules, and served by the /v1 routes.
 */
describe('embedded mode replaying HotBit frames', () => {
  let dataDir: string;
  let exgate: Embedded | undefined;
  const dir = ['binance', 'usdm-trades-2024-07-18'] as const;
  const frames = hotbitFramesFromBinance([...fixtureLines(...dir, 'btcusdt-trade-stream.jsonl').slice(0, 3000), ...fixtureLines(...dir, 'ethusdt-trade-stream.jsonl').slice(0, 1500)]);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-hotbit-'));
    const file = path.join(dataDir, 'hotbit.jsonl');
    await writeFile(file, frames.join('\n'));
    exgate = await startEmbedded({
      config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb', AGGREGATOR_GRACE_MS: '500' }),
      replay: { file, exchange: 'hotbit', speed: 'max' },
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
    });
  });
  afterAll(async () => {
    await exgate?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = async (route: string) => {
    const res = await fetch(`http://127.0.0.1:${exgate!.port}${route}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('collects every replayed deal and serves the candles HotBit would, through the /v1 routes', async () => {
    // The route keeps the original service's name (aggtrade) for every exchange.
    expect(await get('/v1/hotbit/aggtrade/pull/ETHUSDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    await exgate!.simulator!.drained();
    const lastId = Math.max(...frames.flatMap((f) => (f.includes('"BTCUSDT"') ? [...f.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1])) : [])));
    await eventually(async () => {
      await exgate!.collector.flush();
      return (await exgate!.store.lastTradeId({ exchange: 'hotbit', symbol: 'BTCUSDT', kind: 'trade' })) === lastId;
    }, { what: 'the last BTCUSDT deal stored', timeoutMs: 30_000, intervalMs: 200 });

    const recent = await get('/v1/hotbit/recent/BTCUSDT?limit=3');
    expect(recent.status).toBe(200);
    expect(JSON.stringify(recent.body)).toContain(String(lastId));

    // The middle minutes, closed: exgate's candles equal the simulated HotBit's own (proxy route).
    const [from, to] = [Date.UTC(2024, 6, 18, 23, 58), Date.UTC(2024, 6, 18, 23, 59)];
    const ours = await eventually(async () => {
      const kline = ((await get(`/v1/hotbit/exgate/kline/BTCUSDT/1m/${from}/${to}`)).body.kline ?? []) as KlineJson[];
      return kline.length === 2 && kline.every((k) => k.state === 'closed') && kline;
    }, { what: 'two closed minutes', timeoutMs: 30_000, intervalMs: 250 });
    const theirs = await get(`/v1/hotbit/kline/BTCUSDT/1m?startTime=${from}&endTime=${to}`);
    expect(theirs.status).toBe(200);
    const ohlcv = (k: KlineJson) => [k.open_time, ...[k.open, k.high, k.low, k.close, k.volume].map((v) => new Decimal(v).toString())];
    expect(ours.map(ohlcv)).toEqual((theirs.body.kline as KlineJson[]).map(ohlcv));
    // Days are Singapore days: the capture sits in the one starting 2024-07-18 16:00 UTC.
    const day = await get('/v1/hotbit/genkline/BTCUSDT/1d?startTime=1721318400000&endTime=1721404799999');
    expect((day.body.kline as KlineJson[]).map((k) => k.open_time)).toEqual([Date.UTC(2024, 6, 18, 16)]);
  });
});
