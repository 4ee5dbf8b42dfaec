import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { Candle } from '@exgate/domain';
import { BybitSimulator, bybitFramesFromBinance, type BybitSimPrint } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';
import { startSimulatorHere } from './replay/simulator-here';
import { coveredBinanceRows, tradeLines } from './testing/binance-window';

jest.setTimeout(180_000);

let dataDir: string;
let exgate: Embedded | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-bybit-'));
});
afterEach(async () => {
  await exgate?.close();
  exgate = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(frames: readonly string[], speed: number | 'max'): Promise<Embedded> {
  const file = path.join(dataDir, 'bybit.jsonl');
  await writeFile(file, frames.join('\n'));
  return startEmbedded({
    config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' }),
    replay: { file, exchange: 'bybit', speed },
    startReplaySimulator: startSimulatorHere, // the test breaks its connections
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
  });
}

const get = async (route: string) => {
  const res = await fetch(`http://127.0.0.1:${exgate!.port}${route}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('npm start -- --replay FILE --exchange bybit', () => {
  it('collects real Bybit pushes of both markets, Bybit ids kept, and serves them on the /v1 routes', async () => {
    const recorded = fixtureLines('bybit', 'tardis-node-mappers-test-trade-messages.jsonl');
    exgate = await start(recorded, 'max');
    // The inverse contract is not collected; linear and spot symbols are told apart by name.
    expect([...exgate.simulator!.symbols].sort()).toEqual(['BTCUSDC-SPOT', 'BTCUSDT-SPOT', 'LTCUSDT']);
    await exgate.simulator!.drained();
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'bybit', symbol: 'BTCUSDT-SPOT', kind: 'trade', limit: 10, order: 'asc' });
      return t.length === 4 && t;
    }, { what: 'four stored spot prints', timeoutMs: 30_000, intervalMs: 100 });
    expect(stored.map((t) => [t.sourceId, t.price, t.qty, t.isBuyerMaker])).toEqual([
      ['2290000000050703789', '28165.38', '0.041732', true], ['2290000000050703790', '28165.38', '0.008513', true],
      ['2290000000050703791', '28165.38', '0.042384', true], ['2290000000050703792', '28165.38', '0.055371', true],
    ]);
    const recent = await get('/v1/bybit/recent/btcusdt-spot?limit=10');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(stored.map((t) => t.sourceId));
    expect(await get('/v1/bybit/aggtrade/pull/LTCUSDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: an inverse contract, and an interval Bybit does not publish.
    expect(await get('/v1/bybit/aggtrade/pull/BTCUSD/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await get('/v1/bybit/kline/BTCUSDT/8h')).toMatchObject({ status: 400, body: { code: 3 } });
    // The proxy route asks the (simulated) exchange's own klines.
    const proxied = await get('/v1/bybit/kline/BTCUSDT-SPOT/1m?startTime=1680652800000&limit=1');
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: 1680652800000, open: '28165.38', volume: '0.148000' }] } });
  });

  it('a dropped connection: candles over the loss are gap_free false, every other candle exact', async () => {
    const frames = bybitFramesFromBinance(tradeLines(), { category: 'linear' });
    exgate = await start(frames, 30);
    const sim = exgate.simulator as BybitSimulator;
    await eventually(() => sim.printed('BTCUSDT').length > 4_000, { what: '4000 prints played', timeoutMs: 60_000, intervalMs: 20 });
    // The exchange keeps printing while nobody listens: the first 300 prints after the cut reach no one.
    sim.dropConnections();
    sim.skipNext(300, { symbol: 'BTCUSDT' });
    await sim.drained();
    const timeline = sim.timeline('BTCUSDT');
    const sent = new Set(sim.sentIds('BTCUSDT', 'trade'));
    const lost = timeline.filter((p) => !sent.has(p.id));
    expect(lost.length).toBeGreaterThanOrEqual(300);

    const minutes = [...new Set(timeline.map((p) => Math.floor(p.tradeTimeMs / 60_000) * 60_000))];
    const last = minutes[minutes.length - 1]!;
    const candles = await eventually(async () => {
      await exgate!.collector.flush();
      const c = await exgate!.store.candles({ exchange: 'bybit', symbol: 'BTCUSDT', interval: '1m', fromMs: minutes[0]!, toMs: last, limit: 100 });
      return c.length === minutes.length && c.filter((x) => x.openTimeMs < last).every((x) => x.state !== 'forming') && c;
    }, { what: 'every minute stored, all but the last closed', timeoutMs: 90_000, intervalMs: 250 });

    const gappy = candles.filter((c) => !c.gapFree).map((c) => c.openTimeMs);
    // Never a candle silently called complete: every minute that lost a print says so.
    const lostMinutes = [...new Set(lost.map((p) => Math.floor(p.tradeTimeMs / 60_000) * 60_000))];
    for (const m of lostMinutes) expect(gappy).toContain(m);
    expect(gappy.length).toBeLessThan(candles.length);
    // Every other closed candle equals a recomputation from what the exchange printed…
    const clean = candles.filter((c) => c.gapFree && c.state !== 'forming');
    expect(clean.length).toBeGreaterThanOrEqual(candles.length - gappy.length - 1);
    for (const c of clean) expect(fieldsOf(c)).toEqual(recompute(timeline, c.openTimeMs));
    // …and, for the minutes the capture covers whole, Binance's own published kline of them.
    for (const row of coveredBinanceRows()) {
      const c = clean.find((x) => x.openTimeMs === Number(row.split(',')[0]));
      if (c) expect(fieldsOf(c)).toEqual(fieldsOfRow(row));
    }
    // Nothing stored twice, nothing invented: the stored prints are exactly those sent.
    // The last minute may still be forming when its candle is read, so its prints are awaited too.
    const expected = timeline.filter((p) => sent.has(p.id)).map((p) => p.sourceId);
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'bybit', symbol: 'BTCUSDT', kind: 'trade', limit: 20_000, order: 'asc' });
      return t.length >= expected.length && t;
    }, { what: 'every sent print stored', timeoutMs: 30_000, intervalMs: 250 });
    expect(stored.map((t) => t.sourceId)).toEqual(expected);
  });
});

type Fields = [string, string, string, string, string, string, number, string];

/** Decimals as Decimal strings (the store keeps the shortest form). */
function fieldsOf(c: Candle): Fields {
  const d = (s: string) => new Decimal(s).toString();
  return [d(c.open), d(c.high), d(c.low), d(c.close), d(c.volume), d(c.quoteVolume), c.tradeCount, d(c.takerBuyVolume)];
}

function fieldsOfRow(row: string): Fields {
  const c = row.split(',');
  const d = (s: string) => new Decimal(s).toString();
  return [d(c[1]!), d(c[2]!), d(c[3]!), d(c[4]!), d(c[5]!), d(c[7]!), Number(c[8]), d(c[9]!)];
}

function recompute(timeline: readonly BybitSimPrint[], openMs: number): Fields {
  const prints = timeline.filter((p) => p.tradeTimeMs >= openMs && p.tradeTimeMs < openMs + 60_000);
  const prices = prints.map((p) => new Decimal(p.price));
  const sum = (list: readonly BybitSimPrint[], f: (p: BybitSimPrint) => Decimal) => list.reduce((s, p) => s.plus(f(p)), new Decimal(0)).toString();
  return [
    prices[0]!.toString(), Decimal.max(...prices).toString(), Decimal.min(...prices).toString(), prices[prices.length - 1]!.toString(),
    sum(prints, (p) => new Decimal(p.size)), sum(prints, (p) => new Decimal(p.price).mul(p.size)), prints.length,
    sum(prints.filter((p) => p.takerSide === 'Buy'), (p) => new Decimal(p.size)),
  ];
}
