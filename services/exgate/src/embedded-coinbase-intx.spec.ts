import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { Candle } from '@exgate/domain';
import { IntxSimulator, intxFramesFromBinance, type IntxSimPrint } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';
import { startSimulatorHere } from './replay/simulator-here';
import { coveredBinanceRows, tradeLines } from './testing/binance-window';

jest.setTimeout(180_000);

let dataDir: string;
let exgate: Embedded | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-intx-'));
});
afterEach(async () => {
  await exgate?.close();
  exgate = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(frames: readonly string[], speed: number | 'max', env: Record<string, string> = {}): Promise<Embedded> {
  const file = path.join(dataDir, 'intx.jsonl');
  await writeFile(file, frames.join('\n'));
  return startEmbedded({
    config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb', ...env }),
    replay: { file, exchange: 'coinbase-intx', speed },
    startReplaySimulator: startSimulatorHere, // the test breaks its connections
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
  });
}

const get = async (route: string) => {
  const res = await fetch(`http://127.0.0.1:${exgate!.port}${route}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('npm start -- --replay FILE --exchange coinbase-intx', () => {
  it("collects real MATCH messages over the simulator's signed subscription, match ids kept, and serves them on the /v1 routes", async () => {
    const recorded = [...fixtureLines('coinbase-intx', 'tardis-node-mappers-test-trade-messages.jsonl'), ...fixtureLines('coinbase-intx', 'nautilus-ws_match.json')];
    exgate = await start(recorded, 'max');
    expect([...exgate.simulator!.symbols].sort()).toEqual(['BTC-PERP', 'SOL-PERP']);
    await exgate.simulator!.drained();
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'coinbase-intx', symbol: 'BTC-PERP', kind: 'trade', limit: 10, order: 'asc' });
      return t.length === 1 && t;
    }, { what: 'the stored BTC-PERP print', timeoutMs: 30_000, intervalMs: 100 });
    expect(stored.map((t) => [t.sourceId, t.price, t.qty, t.isBuyerMaker])).toEqual([['423596942694547460', '84374', '0.0213', false]]);
    const recent = await get('/v1/intx/recent/BTC-PERP?limit=10');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(['423596942694547460']);
    expect(await get('/v1/coinbase-intx/aggtrade/pull/SOL-PERP/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: Binance's spelling, and an interval INTX does not publish.
    expect(await get('/v1/coinbase-intx/aggtrade/pull/BTCUSDT/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await get('/v1/coinbase-intx/kline/BTC-PERP/4h')).toMatchObject({ status: 400, body: { code: 3 } });
    // INTX has no trades endpoint: an instrument exgate does not collect has no recent trades.
    expect(await get('/v1/coinbase-intx/recent/ETH-PERP')).toMatchObject({ status: 400, body: { message: expect.stringContaining('no public trades endpoint') as string } });
    // The proxy route asks the (simulated) exchange's own candles (seed 002's route).
    const proxied = await get(`/v1/coinbase-intx/kline/BTC-PERP/1m?startTime=${Date.UTC(2025, 2, 14, 23, 3)}&limit=1`);
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: Date.UTC(2025, 2, 14, 23, 3), open: '84374', volume: '0.0213' }] } });
  });

  it('without credentials, pulling answers a clear 400 and the collector neither crashes nor connects', async () => {
    const sim = await IntxSimulator.start({ frames: intxFramesFromBinance(tradeLines().slice(0, 100)), host: '127.0.0.1' });
    try {
      exgate = await startEmbedded({
        config: embeddedEnv.parse({
          EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb',
          EXGATE_EXCHANGES: 'coinbase-intx', EXGATE_PULL: 'coinbase-intx:BTC-PERP',
          COINBASE_INTX_WS_URL: sim.wsBaseUrl, COINBASE_INTX_REST_URL: sim.restBaseUrl,
        }),
        logger: silentLogger(),
        metrics: new MetricsRegistry(),
      });
      const pull = await get('/v1/coinbase-intx/aggtrade/pull/ETH-PERP/1m');
      expect(pull).toMatchObject({ status: 400, body: { message: expect.stringContaining('COINBASE_INTX_API_KEY') as string } });
      // A pull configured at start is kept, never connected: the API still answers, nothing was opened.
      expect((await get('/v1/coinbase-intx/exgate/kline/BTC-PERP/1m/0/1')).status).toBe(200);
      expect(sim.stats.connectionsOpened).toBe(0);
    } finally {
      await exgate?.close();
      exgate = undefined;
      await sim.close();
    }
  });

  it('a dropped connection: candles over the loss are gap_free false, every other candle exact', async () => {
    const frames = intxFramesFromBinance(tradeLines());
    exgate = await start(frames, 30);
    const sim = exgate.simulator as IntxSimulator;
    await eventually(() => sim.printed('BTC-PERP').length > 4_000, { what: '4000 prints played', timeoutMs: 60_000, intervalMs: 20 });
    // The exchange keeps printing while nobody listens: the first 300 prints after the cut reach no one.
    sim.dropConnections();
    sim.skipNext(300, { symbol: 'BTC-PERP' });
    await sim.drained();
    const timeline = sim.timeline('BTC-PERP');
    const sent = new Set(sim.sentIds('BTC-PERP', 'trade'));
    const lost = timeline.filter((p) => !sent.has(p.id));
    expect(lost.length).toBeGreaterThanOrEqual(300);

    const minutes = [...new Set(timeline.map((p) => Math.floor(p.timeMs / 60_000) * 60_000))];
    const last = minutes[minutes.length - 1]!;
    const candles = await eventually(async () => {
      await exgate!.collector.flush();
      const c = await exgate!.store.candles({ exchange: 'coinbase-intx', symbol: 'BTC-PERP', interval: '1m', fromMs: minutes[0]!, toMs: last, limit: 100 });
      return c.length === minutes.length && c.filter((x) => x.openTimeMs < last).every((x) => x.state !== 'forming') && c;
    }, { what: 'every minute stored, all but the last closed', timeoutMs: 90_000, intervalMs: 250 });

    const gappy = candles.filter((c) => !c.gapFree).map((c) => c.openTimeMs);
    const lostMinutes = [...new Set(lost.map((p) => Math.floor(p.timeMs / 60_000) * 60_000))];
    for (const m of lostMinutes) expect(gappy).toContain(m);
    expect(gappy.length).toBeLessThan(candles.length);
    const clean = candles.filter((c) => c.gapFree && c.state !== 'forming');
    expect(clean.length).toBeGreaterThanOrEqual(candles.length - gappy.length - 1);
    for (const c of clean) expect(fieldsOf(c)).toEqual(recompute(timeline, c.openTimeMs));
    for (const row of coveredBinanceRows()) {
      const c = clean.find((x) => x.openTimeMs === Number(row.split(',')[0]));
      if (c) expect(fieldsOf(c)).toEqual(fieldsOfRow(row));
    }
    // Nothing stored twice, nothing invented: the stored prints are exactly those sent. The last
    // minute may still be forming when its candle is read, so its prints are awaited too.
    const expected = timeline.filter((p) => sent.has(p.id)).map((p) => p.matchId);
    const stored = await eventually(async () => {
      await exgate!.collector.flush();
      const t = await exgate!.store.trades({ exchange: 'coinbase-intx', symbol: 'BTC-PERP', kind: 'trade', limit: 20_000, order: 'asc' });
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

function recompute(timeline: readonly IntxSimPrint[], openMs: number): Fields {
  const prints = timeline.filter((p) => p.timeMs >= openMs && p.timeMs < openMs + 60_000);
  const prices = prints.map((p) => new Decimal(p.price));
  const sum = (list: readonly IntxSimPrint[], f: (p: IntxSimPrint) => Decimal) => list.reduce((s, p) => s.plus(f(p)), new Decimal(0)).toString();
  return [
    prices[0]!.toString(), Decimal.max(...prices).toString(), Decimal.min(...prices).toString(), prices[prices.length - 1]!.toString(),
    sum(prints, (p) => new Decimal(p.qty)), sum(prints, (p) => new Decimal(p.price).mul(p.qty)), prints.length,
    sum(prints.filter((p) => p.side === 'BUY'), (p) => new Decimal(p.qty)),
  ];
}
