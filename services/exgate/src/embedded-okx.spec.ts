import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { Candle } from '@exgate/domain';
import { OkxSimulator, okxFramesFromBinance, type OkxSimPrint } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';
import { startSimulatorHere } from './replay/simulator-here';
import { coveredBinanceRows, tradeLines } from './testing/binance-window';

jest.setTimeout(180_000);

let dataDir: string;
let exgate: Embedded | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-okx-'));
});
afterEach(async () => {
  await exgate?.close();
  exgate = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(frames: readonly string[], speed: number | 'max'): Promise<Embedded> {
  const file = path.join(dataDir, 'okx.jsonl');
  await writeFile(file, frames.join('\n'));
  return startEmbedded({
    config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' }),
    replay: { file, exchange: 'okx', speed },
    startReplaySimulator: startSimulatorHere, // the test breaks its connections
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
  });
}

const get = async (route: string) => {
  const res = await fetch(`http://127.0.0.1:${exgate!.port}${route}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** cryptofeed's 2022 capture: the frames after their `<local ts>: ` prefix. */
const cryptofeed = () => fixtureLines('okx', 'cryptofeed-OKX.ws.1.0-2022-05-13-trades-only.txt')
  .filter((l) => /^\d+\.\d+: /.test(l)).map((l) => l.slice(l.indexOf(': ') + 2));

describe('npm start -- --replay FILE --exchange okx', () => {
  it('collects the real 2022 capture (69 BTC-USDT fills), OKX tradeIds kept, and serves them on the /v1 routes', async () => {
    exgate = await start(cryptofeed(), 'max');
    // Futures and the inverse swap of the capture are not collected.
    expect([...exgate.simulator!.symbols]).toEqual(['BTC-USDT']);
    await exgate.simulator!.drained();
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'okx', symbol: 'BTC-USDT', kind: 'trade', limit: 100, order: 'asc' });
      return t.length === 69 && t;
    }, { what: '69 stored prints', timeoutMs: 30_000, intervalMs: 100 });
    expect(stored.map((t) => t.sourceId)).toEqual(Array.from({ length: 69 }, (_, i) => String(338476307 + i)));
    expect(stored[0]).toMatchObject({ price: '30236', qty: '0.0002', isBuyerMaker: false, exchangeTimeMs: 1652459224818 });
    const recent = await get('/v1/okx/recent/BTC-USDT?limit=3');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(stored.slice(-3).map((t) => t.sourceId));
    expect(await get('/v1/okx/aggtrade/pull/BTC-USDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: an inverse swap, and an interval OKX does not publish.
    expect(await get('/v1/okx/aggtrade/pull/BTC-USD-SWAP/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await get('/v1/okx/kline/BTC-USDT/8h')).toMatchObject({ status: 400, body: { code: 3 } });
    // The proxy route asks the (simulated) exchange's own candles; a day is OKX's UTC+8 day.
    const minute = Math.floor(1652459224818 / 60_000) * 60_000;
    const proxied = await get(`/v1/okx/kline/BTC-USDT/1m?startTime=${minute}&limit=1`);
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: minute, open: '30236' }] } });
    const day = await get(`/v1/okx/kline/BTC-USDT/1d?startTime=${Date.UTC(2022, 4, 13)}&limit=1`);
    expect(day).toMatchObject({ status: 200, body: { kline: [{ open_time: Date.UTC(2022, 4, 13, 16), open: '30236' }] } });
  });

  it('a dropped connection: the hole is fetched by id (ids are contiguous), so every candle is exact and none is gappy but the recording\'s first', async () => {
    const frames = okxFramesFromBinance(tradeLines());
    exgate = await start(frames, 30);
    const sim = exgate.simulator as OkxSimulator;
    await eventually(() => sim.printed('BTC-USDT').length > 4_000, { what: '4000 prints played', timeoutMs: 60_000, intervalMs: 20 });
    // The exchange keeps printing while nobody listens: the first 300 prints after the cut reach no one.
    sim.dropConnections();
    sim.skipNext(300, { symbol: 'BTC-USDT' });
    await sim.drained();
    const timeline = sim.timeline('BTC-USDT');
    const sent = new Set(sim.sentIds('BTC-USDT', 'trade'));
    expect(timeline.filter((p) => !sent.has(p.id)).length).toBeGreaterThanOrEqual(300);

    const minutes = [...new Set(timeline.map((p) => Math.floor(p.eventTimeMs / 60_000) * 60_000))];
    const last = minutes[minutes.length - 1]!;
    const candles = await eventually(async () => {
      await exgate!.collector.flush();
      const c = await exgate!.store.candles({ exchange: 'okx', symbol: 'BTC-USDT', interval: '1m', fromMs: minutes[0]!, toMs: last, limit: 100 });
      return c.length === minutes.length && c.filter((x) => x.openTimeMs < last).every((x) => x.state !== 'forming') && c;
    }, { what: 'every minute stored, all but the last closed', timeoutMs: 90_000, intervalMs: 250 });

    // Every print is stored once, in order: the ones the cut hid came back from history-trades.
    // The last minute may still be forming when its candle is read, so its prints are awaited too.
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'okx', symbol: 'BTC-USDT', kind: 'trade', limit: 20_000, order: 'asc' });
      return t.length >= timeline.length && t;
    }, { what: 'every print stored', timeoutMs: 30_000, intervalMs: 250 });
    expect(stored.map((t) => t.id)).toEqual(timeline.map((p) => p.id));
    const closed = candles.filter((c) => c.state !== 'forming');
    expect(closed.length).toBeGreaterThanOrEqual(candles.length - 1);
    // Only the first minute is incomplete: the recording starts inside it (no print before it is known).
    expect(candles.filter((c) => !c.gapFree).map((c) => c.openTimeMs)).toEqual([minutes[0]]);
    for (const c of closed) expect(fieldsOf(c)).toEqual(recompute(timeline, c.openTimeMs));
    // …and, for the minutes the capture covers whole, Binance's own published kline of them.
    for (const row of coveredBinanceRows()) {
      const c = closed.find((x) => x.openTimeMs === Number(row.split(',')[0]));
      if (c) expect(fieldsOf(c)).toEqual(fieldsOfRow(row));
    }
  });

  it('a relisting (tradeIds restart at 1 two days later): the feed resubscribes, the collector catches up by id: the new listing is stored whole in a later epoch, nothing counted as a duplicate', async () => {
    const DAY = 86_400_000;
    const first = okxFramesFromBinance(tradeLines().slice(0, 400));
    const base = Number((JSON.parse(first[0]!) as { data: { tradeId: string }[] }).data[0]!.tradeId);
    const relisted = first.map((f) => {
      const push = JSON.parse(f) as { arg: unknown; data: Record<string, string>[] };
      return JSON.stringify({ ...push, data: push.data.map((d) => ({ ...d, tradeId: String(Number(d.tradeId) - base + 1), ts: String(Number(d.ts) + 2 * DAY) })) });
    });
    exgate = await start([...first, ...relisted], 'max');
    const sim = exgate.simulator as OkxSimulator;
    await sim.drained();
    const timeline = sim.timeline('BTC-USDT');
    expect(timeline[400]!.epoch).toBeGreaterThan(timeline[0]!.epoch);
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'okx', symbol: 'BTC-USDT', kind: 'trade', limit: 2_000, order: 'asc' });
      return t.length === timeline.length && t;
    }, { what: 'both listings stored', timeoutMs: 60_000, intervalMs: 100 });
    // Every fill of both listings once, in order: the new listing's ids above the old, its tradeIds from 1.
    expect(stored.map((t) => t.id)).toEqual(timeline.map((p) => p.id));
    expect(stored.slice(400).map((t) => t.sourceId)).toEqual(Array.from({ length: 400 }, (_, i) => String(i + 1)));
    // The new listing's candles are the fold of its fills. The jump between epochs is an id hole to
    // the engine: the candle it lands in says gap_free false (ADR 0017: the old listing's last fills
    // cannot be proved), the later ones are complete.
    const fresh = timeline.slice(400);
    const minutes = [...new Set(fresh.map((p) => Math.floor(p.eventTimeMs / 60_000) * 60_000))];
    const candles = await eventually(async () => {
      await exgate!.collector.flush();
      const c = await exgate!.store.candles({ exchange: 'okx', symbol: 'BTC-USDT', interval: '1m', fromMs: minutes[0]!, toMs: minutes.at(-1)!, limit: 100 });
      return c.length === minutes.length && c.slice(0, -1).every((x) => x.state !== 'forming') && c;
    }, { what: "the new listing's minutes", timeoutMs: 60_000, intervalMs: 100 });
    expect(candles[0]!.gapFree).toBe(false);
    for (const c of candles.slice(1, -1)) {
      expect(c.gapFree).toBe(true);
      expect(fieldsOf(c)).toEqual(recompute(fresh, c.openTimeMs));
    }
  });
});

type Fields = [string, string, string, string, string, string, number, string];

function fieldsOf(c: Candle): Fields {
  const d = (s: string) => new Decimal(s).toString();
  return [d(c.open), d(c.high), d(c.low), d(c.close), d(c.volume), d(c.quoteVolume), c.tradeCount, d(c.takerBuyVolume)];
}

function fieldsOfRow(row: string): Fields {
  const c = row.split(',');
  const d = (s: string) => new Decimal(s).toString();
  return [d(c[1]!), d(c[2]!), d(c[3]!), d(c[4]!), d(c[5]!), d(c[7]!), Number(c[8]), d(c[9]!)];
}

function recompute(timeline: readonly OkxSimPrint[], openMs: number): Fields {
  const prints = timeline.filter((p) => p.eventTimeMs >= openMs && p.eventTimeMs < openMs + 60_000);
  const prices = prints.map((p) => new Decimal(p.px));
  const sum = (list: readonly OkxSimPrint[], f: (p: OkxSimPrint) => Decimal) => list.reduce((s, p) => s.plus(f(p)), new Decimal(0)).toString();
  return [
    prices[0]!.toString(), Decimal.max(...prices).toString(), Decimal.min(...prices).toString(), prices[prices.length - 1]!.toString(),
    sum(prints, (p) => new Decimal(p.sz)), sum(prints, (p) => new Decimal(p.px).mul(p.sz)), prints.length,
    sum(prints.filter((p) => p.side === 'buy'), (p) => new Decimal(p.sz)),
  ];
}
