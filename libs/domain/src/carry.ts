import type { Candle, CandleState } from './candle';
import type { SeriesMeta } from './candle-builder';
import * as decimal from './decimal';

// esbuild (tsx) compiles imports into getter calls; candle output reads module-local bindings.
const { badDecimal, formatScaled, scanDecimal, scanned } = decimal;

/** Binance never shows quote volumes with more than 8 decimals unless the value needs them. */
export const MAX_QUOTE_DISPLAY_SCALE = 8;

/** The last close of a series, carried into empty buckets (o = h = l = c = previous close). */
export interface Carry {
  readonly price: string;
  readonly priceScale: number;
  readonly qtyScale: number;
  /** `price` as shown (normalizeDecimal(price, priceScale)), computed once per carry. */
  readonly display: string;
}

export function makeCarry(price: string, priceScale: number, qtyScale: number): Carry {
  return { price, priceScale, qtyScale, display: normalizeDecimal(price, priceScale) };
}

/** A wire decimal with exactly `scale` decimals when it has no more significant ones. */
export function normalizeDecimal(text: string, scale: number): string {
  // Already canonical (the usual case: the wire's own scale, no leading zero)?
  const dot = text.indexOf('.');
  if (dot > 0 && text.length - dot - 1 === scale && (text.charCodeAt(0) !== 48 || dot === 1)) return text;
  if (!scanDecimal(text)) throw badDecimal(text);
  return formatScaled(scanned.big ?? scanned.m, scanned.s, scale);
}

const zeros: string[] = [];
/** "0", "0.0", "0.00", …: the volumes of empty candles. */
function zero(scale: number): string {
  return (zeros[scale] ??= scale === 0 ? '0' : `0.${'0'.repeat(scale)}`);
}

interface EmptyBucket {
  readonly openTimeMs: number;
  readonly closeTimeMs: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
}

/** A bucket without market prints: the previous close as o = h = l = c, zero volumes (as Binance). */
export function emptyCandle(
  b: EmptyBucket, meta: SeriesMeta, state: CandleState, version: number, gapFree: boolean, carry: Carry | null,
): Candle {
  const price = carry?.display ?? '0';
  const volume = zero(carry?.qtyScale ?? 0);
  const quote = zero(Math.min((carry?.priceScale ?? 0) + (carry?.qtyScale ?? 0), MAX_QUOTE_DISPLAY_SCALE));
  return {
    exchange: meta.exchange,
    symbol: meta.symbol,
    interval: meta.interval,
    openTimeMs: b.openTimeMs,
    closeTimeMs: b.closeTimeMs,
    open: price,
    high: price,
    low: price,
    close: price,
    volume,
    quoteVolume: quote,
    takerBuyVolume: volume,
    takerBuyQuoteVolume: quote,
    tradeCount: 0,
    firstTradeId: b.firstTradeId < 0 ? null : b.firstTradeId,
    lastTradeId: b.lastTradeId < 0 ? null : b.lastTradeId,
    gapFree,
    state,
    version,
  };
}
