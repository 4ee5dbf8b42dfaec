import { compareDecimalStrings, type Candle, type IntervalId, type TradeKind } from '@exgate/domain';
import { resolveExchange } from '@exgate/exchanges';
import type { Logger } from '@exgate/runtime';
import { MAX_STORED_TIME_MS, type HistoryQuery, type HistoryTotals, type MarketStore } from '@exgate/store';
import type { CandleQuery, RegenerateReport } from './deps';

/** Rebuilt candles compared with the stored ones, and written, per batch. */
const REGENERATE_BATCH = 5_000;
/** The shortest bucket of an interval (months: 28 days), to size reads of stored candles. */
const SHORTEST_MONTH_MS = 28 * 86_400_000;

export interface HistoryDeps {
  readonly store: MarketStore;
  readonly kindOf: (exchange: string) => TradeKind;
  readonly logger: Logger;
}

/**
 * The stream and the exchange's rules from the registry, as the aggregator's engine takes them: its
 * candle policy, and whether a jump in ids is a loss. `tzOffsetMs`: the query's time zone; by
 * default the exchange's own, on which its candles are stored.
 */
function historyQuery(d: HistoryDeps, exchange: string, symbol: string, interval: IntervalId, tzOffsetMs?: number): HistoryQuery {
  const info = resolveExchange(exchange)?.info;
  return {
    exchange, symbol, interval, kind: d.kindOf(exchange),
    policy: { tzOffsetMs: tzOffsetMs ?? info?.candlePolicy.tzOffsetMs ?? 0, openAt: info?.candlePolicy.openAt ?? 'first-print' },
    contiguousIds: info?.capabilities.tradeIds === 'contiguous',
  };
}

/** genkline: the window computed inside ClickHouse from the stored trades, at most `limit` candles. */
export async function generatedCandles(d: HistoryDeps, q: CandleQuery): Promise<Candle[]> {
  const candles: Candle[] = [];
  // The API takes times up to year 9999, the store holds them up to 2299: past that, nothing.
  if (q.fromMs > MAX_STORED_TIME_MS) return candles;
  const history = d.store.history({
    ...historyQuery(d, q.exchange, q.symbol, q.interval, q.tzOffsetMs), fromMs: q.fromMs, toMs: Math.min(q.toMs, MAX_STORED_TIME_MS), limit: q.limit,
  });
  for await (const c of history) candles.push(c);
  return candles;
}

/**
 * aggtrade/scanner/kline: every stored trade of the symbol, aggregated inside ClickHouse page by
 * page; the candles that differ from the stored ones are written in batches, each with the stored
 * version + 1 so the rebuilt candle wins. The bucket of the last print stays the aggregator's.
 */
export async function regenerateCandles(d: HistoryDeps, exchange: string, symbol: string, interval: IntervalId): Promise<RegenerateReport> {
  const history = d.store.history(historyQuery(d, exchange, symbol, interval));
  let batch: Candle[] = [];
  let rebuilt = 0;
  let changed = 0;
  let fromMs: number | null = null;
  let toMs: number | null = null;
  const flush = async () => {
    changed += await writeChanged(d.store, batch);
    batch = [];
  };
  let next: IteratorResult<Candle, HistoryTotals>;
  while (!(next = await history.next()).done) {
    const c = next.value;
    if (c.state === 'forming') continue;
    fromMs ??= c.openTimeMs;
    toMs = c.openTimeMs;
    rebuilt++;
    batch.push(c);
    if (batch.length >= REGENERATE_BATCH) await flush();
  }
  await flush();
  const trades = next.value.prints;
  d.logger.info({ exchange, symbol, interval, trades, candles: rebuilt, changed }, 'regenerated candles');
  return { candles: changed, trades, fromMs, toMs };
}

/** Writes the candles of `rebuilt` (ascending, one series) that differ from the stored ones. */
async function writeChanged(store: MarketStore, rebuilt: readonly Candle[]): Promise<number> {
  const first = rebuilt[0];
  const last = rebuilt[rebuilt.length - 1];
  if (!first || !last) return 0;
  // Every stored bucket of the span fits, also those the rebuild leaves out (gaps): a stored
  // candle missed by the limit would be rewritten at a version lower than its own, and lose.
  const limit = Math.floor((last.openTimeMs - first.openTimeMs) / shortestMs(first)) + 1;
  const current = await store.candles({ exchange: first.exchange, symbol: first.symbol, interval: first.interval, fromMs: first.openTimeMs, toMs: last.openTimeMs, limit });
  const byOpen = new Map(current.map((c) => [c.openTimeMs, c]));
  const changed = rebuilt.flatMap((c) => {
    const old = byOpen.get(c.openTimeMs);
    if (old && sameKline(old, c)) return [];
    const version = (old?.version ?? 0) + 1;
    return [{ ...c, version, state: old && old.state !== 'forming' ? 'corrected' as const : c.state }];
  });
  if (changed.length > 0) await store.upsertCandles(changed);
  return changed.length;
}

function shortestMs(c: Candle): number {
  return Math.min(c.closeTimeMs - c.openTimeMs + 1, SHORTEST_MONTH_MS);
}

const DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/**
 * Equal as klines: decimals compared by value. Both sides come from ClickHouse in shortest form,
 * so equal texts settle it without parsing.
 */
function sameKline(a: Candle, b: Candle): boolean {
  return (
    DECIMALS.every((f) => a[f] === b[f] || compareDecimalStrings(a[f], b[f]) === 0) && a.tradeCount === b.tradeCount &&
    a.firstTradeId === b.firstTradeId && a.lastTradeId === b.lastTradeId && a.gapFree === b.gapFree
  );
}
