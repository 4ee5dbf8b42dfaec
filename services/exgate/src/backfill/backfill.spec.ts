import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { klineJson } from '@exgate/api';
import type { Candle } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { BinanceUsdmSimulator } from '@exgate/exchanges/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { coveredBinanceKlines, differences, tradeLines } from '../testing/binance-window';
import { runBackfill } from './backfill';

jest.setTimeout(120_000);

/** Binance's whole minutes of the capture, and the range a user would ask for: those minutes. */
const binance = coveredBinanceKlines();
const fromMs = binance[0]!.openTimeMs;
const toMs = binance[binance.length - 1]!.openTimeMs + 60_000 - 1;

describe('exgate backfill: history by id from the exchange, stored as live collection stores it', () => {
  let sim: BinanceUsdmSimulator;
  const dirs: string[] = [];
  const stores: ClickHouseMarketStore[] = [];

  beforeAll(async () => {
    // The exchange has the whole day's history: the download reads the past, not a live stream.
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: tradeLines() } }, restHistory: 'all' });
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await sim.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** The engine binds one folder per process: each test gets a database of its own in it. */
  async function freshStore(): Promise<ClickHouseMarketStore> {
    if (dirs.length === 0) dirs.push(await mkdtemp(path.join(os.tmpdir(), 'exgate-backfill-')));
    const store = await openStore({ kind: 'embedded', dataDir: dirs[0]!, database: `backfill_${stores.length}` });
    stores.push(store);
    return store;
  }
  const adapter = () => requireExchange('fbinance').create({ clock: systemClock, logger: silentLogger(), restBaseUrl: sim.restBaseUrl });
  const candles1m = (store: ClickHouseMarketStore): Promise<Candle[]> =>
    store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs, toMs, limit: 1000 });

  it("stores the range's prints, every id once, and 1m candles equal to Binance's own", async () => {
    const store = await freshStore();
    const reached: number[] = [];
    const report = await runBackfill({
      adapter: adapter(), store, symbol: 'BTCUSDT', fromMs, toMs, logger: silentLogger(), onProgress: (ms) => reached.push(ms),
    });
    expect(report).toMatchObject({ resumedAfterId: null, complete: true });
    const trades = await store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', limit: 100_000, order: 'asc' });
    const ids = trades.map((t) => t.id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(report.prints).toBe(ids.length);
    expect(trades[0]!.exchangeTimeMs).toBeGreaterThanOrEqual(fromMs);
    expect(trades.at(-1)!.exchangeTimeMs).toBeLessThanOrEqual(toMs);
    // The print before the range is not stored; the first one in it is.
    expect(sim.timeline('BTCUSDT').filter((p) => p.kind === 'aggTrade' && p.tradeTimeMs >= fromMs)[0]!.id).toBe(ids[0]);
    const ours = await candles1m(store);
    expect(ours.map((c) => c.openTimeMs)).toEqual(binance.map((b) => b.openTimeMs));
    for (let i = 0; i < binance.length; i++) expect(differences(klineJson(ours[i]!), binance[i]!)).toEqual([]);
    expect(reached.length).toBe(report.pages);
    expect(reached).toEqual([...reached].sort((a, b) => a - b));
  });

  it('resumes where an interrupted run stopped, fetching nothing twice, to the same candles', async () => {
    const store = await freshStore();
    const first = await runBackfill({ adapter: adapter(), store, symbol: 'BTCUSDT', fromMs, toMs, logger: silentLogger(), maxPages: 2 });
    expect(first).toMatchObject({ complete: false, pages: 2 });
    const requests: string[] = [];
    const onRest = ({ path: p }: { path: string }) => requests.push(p);
    sim.on('rest', onRest);
    const second = await runBackfill({ adapter: adapter(), store, symbol: 'BTCUSDT', fromMs, toMs, logger: silentLogger() });
    sim.off('rest', onRest);
    expect(second).toMatchObject({ resumedAfterId: first.lastId, firstId: first.lastId! + 1, complete: true });
    // No search by time again: the second run went on by id.
    expect(requests.every((p) => p === '/fapi/v1/aggTrades')).toBe(true);
    const ours = await candles1m(store);
    expect(ours.map((c) => c.openTimeMs)).toEqual(binance.map((b) => b.openTimeMs));
    for (let i = 0; i < binance.length; i++) expect(differences(klineJson(ours[i]!), binance[i]!)).toEqual([]);
    const trades = await store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', limit: 100_000, order: 'asc' });
    expect(trades.length).toBe(first.prints + second.prints);
  });

  it('refuses a range before prints already stored, and an exchange without history by id', async () => {
    const store = await freshStore();
    await runBackfill({ adapter: adapter(), store, symbol: 'BTCUSDT', fromMs: toMs - 60_000, toMs, logger: silentLogger() });
    await expect(runBackfill({ adapter: adapter(), store, symbol: 'BTCUSDT', fromMs, toMs: fromMs + 60_000, logger: silentLogger() }))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const noHistory = { ...adapter(), info: { ...adapter().info, capabilities: { tradeIds: 'none', backfill: 'none' } as const } };
    await expect(runBackfill({ adapter: noHistory, store, symbol: 'BTCUSDT', fromMs, toMs, logger: silentLogger() }))
      .rejects.toMatchObject({ code: 'EXCHANGE_REJECTED' });
  });
});
