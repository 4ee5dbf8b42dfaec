/**
 * How long rebuilding a stream's engine from the embedded store takes, against how much history
 * the store holds. Builds the history with the real engine (as the service would have stored it),
 * then times restoreEngine, and for contrast a read of every stored print.
 *   npx tsx services/aggregator/src/restore.bench.ts [days=31] [secondsBetweenPrints=10] [intervals=all-but-1s|all]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandleAggregator, INTERVALS, type Candle, type IntervalId, type Trade } from '@exgate/domain';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { restoreEngine } from './restore';

const days = Number.parseInt(process.argv[2] ?? '31', 10);
const everyMs = Number.parseInt(process.argv[3] ?? '10', 10) * 1000;
const intervals: readonly IntervalId[] = process.argv[4] === 'all' ? INTERVALS : INTERVALS.filter((i) => i !== '1s');
const START_MS = Date.UTC(2024, 6, 1);
const stream = { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' as const };

async function fill(store: ClickHouseMarketStore, intervals: readonly IntervalId[], endMs: number): Promise<number> {
  let pending: Candle[] = [];
  const engine = new CandleAggregator({ ...stream, intervals, graceMs: 5_000, onCandle: (c) => pending.push(c) });
  let trades: Trade[] = [];
  let id = 1;
  let candles = 0;
  for (let t = START_MS; t < endMs; t += everyMs) {
    const i = id++;
    const trade: Trade = {
      ...stream, id: i, firstTradeId: i, lastTradeId: i, price: `${60_000 + (i % 4999)}.${i % 10}0`, qty: `0.${String(i % 997).padStart(3, '0')}`,
      isBuyerMaker: i % 3 === 0, market: true, exchangeTimeMs: t + (i % 997), eventTimeMs: t, receivedAtMs: t,
    };
    engine.ingest(trade);
    trades.push(trade);
    if (trades.length === 20_000) {
      // One write per 20k prints (the service writes per batch; the end state is the same).
      await store.insertTrades(trades);
      await store.upsertCandles(pending);
      candles += pending.length;
      trades = [];
      pending = [];
    }
  }
  await store.insertTrades(trades);
  await store.upsertCandles([...pending, ...engine.formingAll()]);
  return candles + pending.length;
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const startMs = performance.now();
  const result = await run();
  console.log(`${what}: ${(performance.now() - startMs).toFixed(0)} ms`);
  return result;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exgate-restore-bench-'));
  const store = await openStore({ kind: 'embedded', dataDir: dir });
  try {
    const endMs = START_MS + days * 86_400_000;
    const candles = await timed('building the history', () => fill(store, intervals, endMs));
    console.log(`history: ${days} days, a print every ${everyMs / 1000} s, ${candles} candles of ${intervals.length} intervals (${Math.round((days * 86_400_000) / 60_000)} of them 1m${intervals.includes('1s') ? `, ${days * 86_400} 1s` : ''})`);
    for (let run = 1; run <= 5; run++) {
      const r = await timed(`restore #${run}`, () => restoreEngine(store, stream, { ...stream, intervals, graceMs: 5_000, onCandle: () => {} }));
      if (run === 1) console.log(`  ${r.reads} reads, ${r.candlesRead} candles, ${r.tradesRead} prints; 1M forming: ${r.engine.forming('1M')?.tradeCount} prints; mismatched: [${r.mismatched.join(', ')}]`);
    }
    await timed('for contrast, reading every stored print', async () => (await store.trades({ ...stream, limit: 10_000_000, order: 'asc' })).length);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
