import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { klineJson } from '@exgate/api';
import { requireExchange } from '@exgate/exchanges';
import { OkxSimulator, okxFramesFromBinance } from '@exgate/exchanges/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { coveredBinanceKlines, differences, tradeLines } from '../testing/binance-window';
import { runBackfill } from './backfill';

jest.setTimeout(120_000);

const binance = coveredBinanceKlines();
const fromMs = binance[0]!.openTimeMs;
const toMs = binance[binance.length - 1]!.openTimeMs + 60_000 - 1;

describe('exgate backfill --exchange okx: history-trades by id, within 20 requests per 2 s', () => {
  let sim: OkxSimulator;
  let dir: string;
  let store: ClickHouseMarketStore;

  beforeAll(async () => {
    sim = await OkxSimulator.start({ frames: okxFramesFromBinance(tradeLines()), restHistory: 'all' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-backfill-okx-'));
    store = await openStore({ kind: 'embedded', dataDir: dir, database: 'backfill_okx' });
  });
  afterAll(async () => {
    await store.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stores the range's fills, every id once and contiguous, and 1m candles equal to Binance's own for the same prints", async () => {
    const statuses: number[] = [];
    sim.on('rest', (e: { status: number }) => statuses.push(e.status));
    const adapter = requireExchange('okx').create({ clock: systemClock, logger: silentLogger(), restBaseUrl: sim.restBaseUrl });
    const report = await runBackfill({ adapter, store, symbol: 'BTC-USDT', fromMs, toMs, logger: silentLogger() });
    expect(report).toMatchObject({ resumedAfterId: null, complete: true });
    const trades = await store.trades({ exchange: 'okx', symbol: 'BTC-USDT', kind: 'trade', limit: 100_000, order: 'asc' });
    const expected = sim.timeline('BTC-USDT').filter((p) => p.eventTimeMs >= fromMs && p.eventTimeMs <= toMs);
    expect(trades.map((t) => t.id)).toEqual(expected.map((p) => p.id));
    expect(report.prints).toBe(trades.length);
    // Pages of 100 by id: never a 429 from the 20-per-2-s limit.
    expect(report.pages).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const ours = await store.candles({ exchange: 'okx', symbol: 'BTC-USDT', interval: '1m', fromMs, toMs, limit: 1000 });
    expect(ours.map((c) => c.openTimeMs)).toEqual(binance.map((b) => b.openTimeMs));
    for (let i = 0; i < binance.length; i++) expect(differences(klineJson(ours[i]!), binance[i]!)).toEqual([]);
  });
});
