/**
 * Insert and read throughput of the store on the embedded engine.
 *   npx tsx bench/store.ts [trades=100000] [candles=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Candle, IntervalId, Trade } from '@exgate/domain';
import { INTERVALS } from '@exgate/domain';
import { openStore } from '@exgate/store';
import { ChdbDriver } from '../libs/store/src/drivers/chdb-driver';
import { toInsertPayload } from '../libs/store/src/drivers/json-lines';
import { rowBinary, rowBinaryOf } from '../libs/store/src/drivers/row-binary';
import { TurnBudget } from '@exgate/runtime';
import { CANDLE_ROWS, candleToRow, TRADE_ROWS, tradeToRow } from '../libs/store/src/rows';

const tradeCount = Number.parseInt(process.argv[2] ?? '100000', 10);
const candleCount = Number.parseInt(process.argv[3] ?? '100000', 10);
const T0 = Date.UTC(2024, 6, 18);

function trades(n: number): Trade[] {
  return Array.from({ length: n }, (_, i) => ({
    exchange: 'binance-usdm', symbol: i % 2 ? 'BTCUSDT' : 'ETHUSDT', kind: 'trade', id: 5_182_005_737 + i,
    firstTradeId: 5_182_005_737 + i, lastTradeId: 5_182_005_737 + i,
    price: `${63_900 + (i % 997)}.${i % 10}0`, qty: `0.${String(i % 1000).padStart(3, '0')}`,
    isBuyerMaker: i % 3 === 0, market: true, exchangeTimeMs: T0 + i * 7, eventTimeMs: T0 + i * 7 + 1, receivedAtMs: T0 + i * 7 + 9,
  }));
}

function candles(n: number): Candle[] {
  const intervals: IntervalId[] = INTERVALS.filter((x) => x !== '1s');
  return Array.from({ length: n }, (_, i) => {
    const minute = Math.floor(i / intervals.length);
    return {
      exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: intervals[i % intervals.length] ?? '1m',
      openTimeMs: T0 + minute * 60_000, closeTimeMs: T0 + minute * 60_000 + 59_999,
      open: '63940.10', high: '63940.20', low: '63930.30', close: '63930.40', volume: '43.547',
      quoteVolume: '2784262.61770', takerBuyVolume: '15.780', takerBuyQuoteVolume: '1008890.47980',
      tradeCount: 444, firstTradeId: 5_182_005_737 + i * 444, lastTradeId: 5_182_006_180 + i * 444,
      gapFree: true, state: 'closed', version: 1 + (i % 3),
    };
  });
}

async function timed(label: string, rows: number, run: () => Promise<unknown>): Promise<void> {
  const started = process.hrtime.bigint();
  await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label.padEnd(34)} ${String(rows).padStart(7)} rows  ${ms.toFixed(0).padStart(6)} ms  ${Math.round((rows / ms) * 1000).toLocaleString('en').padStart(9)} rows/s`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-bench-store-'));
  const store = await openStore({ kind: 'embedded', dataDir });
  try {
    const t = trades(tradeCount);
    const c = candles(candleCount);
    // The JS share of an insert: validation and serialisation, no engine. Inserts of 2,000 rows
    // and more go as RowBinary, smaller ones as JSON.
    const layouts = await columnTypes(dataDir);
    const budget = new TurnBudget();
    await timed('  of which validate + JSON', t.length, async () => toInsertPayload(t.map(tradeToRow)));
    await timed('  of which validate + RowBinary', t.length, async () => rowBinary(t.map(tradeToRow), layouts('trades'), budget));
    await timed('  the same from values, no rows', t.length, async () => rowBinaryOf(t, TRADE_ROWS, layouts('trades'), budget));
    await timed('insertTrades (one call)', t.length, () => store.insertTrades(t));
    await timed('insertTrades replay, 1k batches', t.length, async () => {
      for (let i = 0; i < t.length; i += 1000) await store.insertTrades(t.slice(i, i + 1000));
    });
    await timed('insertTrades replay, 10k batches', t.length, async () => {
      for (let i = 0; i < t.length; i += 10_000) await store.insertTrades(t.slice(i, i + 10_000));
    });
    await timed('  of which validate + JSON', c.length, async () => toInsertPayload(c.map(candleToRow)));
    await timed('  of which validate + RowBinary', c.length, async () => rowBinary(c.map(candleToRow), layouts('candles'), budget));
    await timed('  the same from values, no rows', c.length, async () => rowBinaryOf(c, CANDLE_ROWS, layouts('candles'), budget));
    await timed('upsertCandles (one call)', c.length, () => store.upsertCandles(c));
    await timed('trades read, FINAL, 50k asc', 50_000, () =>
      store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', limit: 50_000, order: 'asc' }));
    await timed('candles read, FINAL, 1m x 1500', 1500, () =>
      store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: T0, toMs: T0 + 86_400_000 * 30, limit: 1500 }));
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each table's column → type, read from the engine the store opened (a driver joins it). */
async function columnTypes(dataDir: string): Promise<(table: string) => Map<string, string>> {
  const driver = await ChdbDriver.open(dataDir);
  const columns = await driver.query<{ table: string; name: string; type: string }>(
    "SELECT table, name, type FROM system.columns WHERE database = 'exgate'",
  );
  await driver.close();
  return (table) => new Map(columns.filter((c) => c.table === table).map((c) => [c.name, c.type]));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
