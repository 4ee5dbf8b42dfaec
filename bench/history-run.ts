/**
 * One measured genkline in a process of its own (bench/history.ts starts it): opens the store's
 * folder, answers the query twice by `mode`, and prints {ms, warmMs, rssGrowthMb, peakRssMb, candles}
 * as JSON. Growth is the peak resident set while answering (sampled every 5 ms; the embedded engine
 * works off the event loop) minus the resident set just before, the engine already loaded.
 *   sql: the API's path (services/api/src/history.ts): aggregated inside ClickHouse.
 *   js:  the path it replaced: every trade of the window read into JavaScript, then buildCandles.
 *   regenerate: aggtrade/scanner/kline over the whole stream (the year run); `candles` counts the
 *        candles it wrote.
 */
import { buildCandles, closeTimeMs, openTimeMs, type Candle, type IntervalId } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { generatedCandles, regenerateCandles } from '../services/api/src/history';
import type { CandleQuery } from '../services/api/src/deps';

async function jsPath(store: ClickHouseMarketStore, q: CandleQuery): Promise<Candle[]> {
  const endMs = closeTimeMs(q.interval, openTimeMs(q.interval, q.toMs, q.tzOffsetMs), q.tzOffsetMs);
  const base = { exchange: q.exchange, symbol: q.symbol, kind: 'trade' } as const;
  const trades = await store.trades({ ...base, fromMs: q.fromMs, toMs: endMs, limit: 5_000_000, order: 'asc' });
  const first = trades[0];
  if (!first) return [];
  const before = await store.trades({ ...base, toMs: q.fromMs - 1, limit: 1, order: 'desc' });
  const contiguous = before[0]?.id === first.id - 1;
  return buildCandles(trades, q.interval, {
    tzOffsetMs: q.tzOffsetMs, ...(contiguous ? { coveredFromMs: openTimeMs(q.interval, q.fromMs, q.tzOffsetMs) } : {}),
  }).filter((c) => c.openTimeMs >= q.fromMs && c.openTimeMs <= q.toMs).slice(0, q.limit);
}

async function main(): Promise<void> {
  const [dataDir, mode, interval, fromMs, toMs, limit] = process.argv.slice(2);
  const store = await openStore({ kind: 'embedded', dataDir: dataDir! }, { migrate: false });
  const q: CandleQuery = {
    exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: interval as IntervalId,
    fromMs: Number(fromMs), toMs: Number(toMs), limit: Number(limit), tzOffsetMs: 0,
  };
  // The engine loaded and the tables opened, so growth is the query's own.
  await store.lastTradeId({ exchange: q.exchange, symbol: q.symbol, kind: 'trade' });
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const deps = { store, kindOf: () => 'trade' as const, logger: silentLogger() };
  const answer = async (): Promise<readonly Pick<Candle, 'volume'>[]> => {
    if (mode === 'js') return jsPath(store, q);
    if (mode === 'sql') return generatedCandles(deps, q);
    const report = await regenerateCandles(deps, q.exchange, q.symbol, q.interval);
    return Array.from({ length: report.candles }, () => ({ volume: '0' }));
  };
  // The first request in a fresh process (cold), then the same again (caches warm, as in a
  // long-running API).
  let started = performance.now();
  const candles = await answer();
  const ms = performance.now() - started;
  started = performance.now();
  await answer();
  const warmMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await store.close();
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  const volume = candles.reduce((sum, c) => sum + Number(c.volume), 0);
  process.stdout.write(`${JSON.stringify({ ms, warmMs, rssGrowthMb: mb(peakRss - baseRss), peakRssMb: mb(peakRss), candles: candles.length, volume })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
