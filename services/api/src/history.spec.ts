import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildCandles, type Candle, type Trade } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { generatedCandles, regenerateCandles, type HistoryDeps } from './history';

const T0 = Date.UTC(2024, 6, 18);
const EXCHANGE = 'binance-usdm';

/** One print a second for `count` seconds, ids from 1, prices walking a cent at a time. */
function seconds(symbol: string, count: number): Trade[] {
  return Array.from({ length: count }, (_, i) => ({
    exchange: EXCHANGE, symbol, kind: 'aggTrade', id: i + 1, firstTradeId: 10 * i, lastTradeId: 10 * i + (i % 3),
    price: `100.${String(i % 100).padStart(2, '0')}`, qty: '0.5', isBuyerMaker: i % 2 === 0, market: true,
    exchangeTimeMs: T0 + i * 1000 + (i % 7), eventTimeMs: T0 + i * 1000, receivedAtMs: T0 + i * 1000 + 20,
  }));
}

describe('computed candles through the routes\' use cases, on the embedded engine', () => {
  let dataDir: string;
  let store: ClickHouseMarketStore;
  let deps: HistoryDeps;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-api-history-'));
    store = await openStore({ kind: 'embedded', dataDir });
    deps = { store, kindOf: () => 'aggTrade', logger: silentLogger() };
  });

  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('scanner/kline writes, in batches, only the candles that differ, each a version above the stored one', async () => {
    const trades = seconds('SCAN', 12_001);
    await store.insertTrades(trades);
    const engine = buildCandles(trades, '1s').filter((c) => c.state === 'closed');
    expect(engine).toHaveLength(12_000);
    // Stored already: most equal to the rebuild, one wrong (a print the live engine refused), one
    // with a stale completeness flag.
    const wrong: Candle = { ...engine[4_321]!, volume: '0.25', version: 2 };
    const stale: Candle = { ...engine[9_000]!, gapFree: false, state: 'corrected', version: 3 };
    await store.upsertCandles([...engine.slice(0, 11_000), wrong, stale]);

    const first = await regenerateCandles(deps, EXCHANGE, 'SCAN', '1s');
    expect(first).toEqual({ candles: 1_002, trades: 12_001, fromMs: T0, toMs: T0 + 11_999_000 });
    const stored = await store.candles({ exchange: EXCHANGE, symbol: 'SCAN', interval: '1s', fromMs: T0, toMs: T0 + 12_000_000, limit: 20_000 });
    expect(stored).toHaveLength(12_000);
    expect(stored[4_321]).toMatchObject({ volume: '0.5', version: 3, state: 'corrected' });
    expect(stored[9_000]).toMatchObject({ gapFree: true, version: 4, state: 'corrected' });
    expect(stored[11_500]).toMatchObject({ version: 1, state: 'closed', tradeCount: 2, firstTradeId: 11_501 });
    expect(stored[0]).toMatchObject({ version: 1, gapFree: false });

    expect(await regenerateCandles(deps, EXCHANGE, 'SCAN', '1s')).toEqual({ ...first, candles: 0 });
  });

  it('genkline gives the first `limit` candles of its window, whatever the window\'s length', async () => {
    const trades = seconds('GEN', 5_000);
    await store.insertTrades(trades);
    const window = { exchange: EXCHANGE, symbol: 'GEN', interval: '1s' as const, tzOffsetMs: 0 };
    const candles = await generatedCandles(deps, { ...window, fromMs: T0 + 1_000, toMs: T0 + 10_000_000, limit: 1_500 });
    expect(candles.map((c) => c.openTimeMs)).toEqual(Array.from({ length: 1_500 }, (_, i) => T0 + (i + 1) * 1_000));
    expect(candles.every((c) => c.gapFree && c.state === 'closed')).toBe(true);
    expect(candles[0]).toMatchObject({ open: '100.01', volume: '0.5', tradeCount: 2, firstTradeId: 2, lastTradeId: 2 });

    const last = await generatedCandles(deps, { ...window, fromMs: T0 + 4_990_000, toMs: T0 + 10_000_000, limit: 1_500 });
    expect(last).toHaveLength(10);
    expect(last[9]).toMatchObject({ openTimeMs: T0 + 4_999_000, state: 'forming', version: 0, lastTradeId: 5_000 });
    expect(await generatedCandles(deps, { ...window, fromMs: T0 + 5_000_000, toMs: T0 + 10_000_000, limit: 1_500 })).toEqual([]);
  });
});
