import Decimal from 'decimal.js';
import type { Candle } from '../candle';
import { type IntervalId, openTimeMs } from '../interval';
import type { Trade } from '../trade';

/**
 * The obviously-correct candle math, with decimal.js, for tests and the benchmark's cross-check
 * only (far too slow for the engine): group the market prints by bucket, order by time then id
 * (open is the first, close the last), sum.
 */
const Dec = Decimal.clone({ precision: 80 });

export interface ReferenceKline {
  readonly openTimeMs: number;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
  readonly volume: Decimal;
  readonly quoteVolume: Decimal;
  readonly takerBuyVolume: Decimal;
  readonly takerBuyQuoteVolume: Decimal;
  readonly tradeCount: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
}

/**
 * Reference klines of the buckets that had at least one market print, by open time. With
 * `previous-price` (ViaBTC's rule) a bucket opens at the last market print before it, and its
 * high and low include that price.
 */
export function referenceKlines(
  trades: readonly Trade[], interval: IntervalId, tzOffsetMs = 0, openAt: 'first-print' | 'previous-price' = 'first-print',
): Map<number, ReferenceKline> {
  const buckets = new Map<number, Trade[]>();
  for (const t of trades) {
    const key = openTimeMs(interval, t.exchangeTimeMs, tzOffsetMs);
    const list = buckets.get(key);
    if (list) list.push(t);
    else buckets.set(key, [t]);
  }
  const out = new Map<number, ReferenceKline>();
  for (const [key, all] of buckets) {
    const prints = [...new Map(all.map((t) => [t.id, t])).values()].sort((a, b) => a.id - b.id);
    const market = prints.filter((t) => t.market).sort((a, b) => a.exchangeTimeMs - b.exchangeTimeMs || a.id - b.id);
    if (market.length === 0) continue;
    const zero = new Dec(0);
    let [volume, quoteVolume, takerBuyVolume, takerBuyQuoteVolume] = [zero, zero, zero, zero];
    let high = new Dec(market[0]!.price);
    let low = high;
    let tradeCount = 0;
    for (const t of market) {
      const price = new Dec(t.price);
      const qty = new Dec(t.qty);
      if (price.gt(high)) high = price;
      if (price.lt(low)) low = price;
      volume = volume.plus(qty);
      quoteVolume = quoteVolume.plus(price.times(qty));
      if (!t.isBuyerMaker) {
        takerBuyVolume = takerBuyVolume.plus(qty);
        takerBuyQuoteVolume = takerBuyQuoteVolume.plus(price.times(qty));
      }
      tradeCount += t.lastTradeId - t.firstTradeId + 1;
    }
    let open = new Dec(market[0]!.price);
    const carry = openAt === 'previous-price' ? lastMarketBefore(trades, key) : undefined;
    if (carry) {
      open = new Dec(carry.price);
      if (open.gt(high)) high = open;
      if (open.lt(low)) low = open;
    }
    out.set(key, {
      openTimeMs: key, open, high, low, close: new Dec(market[market.length - 1]!.price),
      volume, quoteVolume, takerBuyVolume, takerBuyQuoteVolume, tradeCount,
      firstTradeId: prints[0]!.id, lastTradeId: prints[prints.length - 1]!.id,
    });
  }
  return out;
}

/** Differences between an engine candle and the reference ("field: ours ≠ reference"); [] if equal. */
export function differencesFromReference(c: Candle, ref: ReferenceKline): string[] {
  const diffs: string[] = [];
  for (const f of ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const) {
    if (!new Dec(c[f]).eq(ref[f])) diffs.push(`${f}: ${c[f]} ≠ ${ref[f].toFixed()}`);
  }
  if (c.tradeCount !== ref.tradeCount) diffs.push(`tradeCount: ${c.tradeCount} ≠ ${ref.tradeCount}`);
  if (c.firstTradeId !== ref.firstTradeId) diffs.push(`firstTradeId: ${c.firstTradeId} ≠ ${ref.firstTradeId}`);
  if (c.lastTradeId !== ref.lastTradeId) diffs.push(`lastTradeId: ${c.lastTradeId} ≠ ${ref.lastTradeId}`);
  return diffs;
}

/** The latest market print (time, then id) before `beforeMs`. */
function lastMarketBefore(trades: readonly Trade[], beforeMs: number): Trade | undefined {
  let best: Trade | undefined;
  for (const t of trades) {
    if (!t.market || t.exchangeTimeMs >= beforeMs) continue;
    if (!best || t.exchangeTimeMs > best.exchangeTimeMs || (t.exchangeTimeMs === best.exchangeTimeMs && t.id > best.id)) best = t;
  }
  return best;
}
