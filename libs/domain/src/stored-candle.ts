import type { Candle } from './candle';
import type { CandleBuilder } from './candle-builder';
import { type Carry, makeCarry } from './carry';
import { badDecimal, scanDecimal, scanned } from './decimal';

/**
 * Loads a published candle into a builder, to fold it (foldCandles) or to carry on from it
 * (CandleAggregator.restore). The store does not keep which prints gave the open and close, so
 * both keys stand at the bucket's start: they order the candle correctly against other buckets
 * (which are disjoint in time), and any print of its own bucket counts as later than them. A
 * restore that can still receive such prints puts the real keys back (restore.ts). Each price
 * keeps the scale of its own text, so a candle read back from the store in its shortest spelling
 * ("63940.1" for "63940.10") loads exactly; what comes out of it may only show fewer trailing zeros.
 */
export function loadCandle(b: CandleBuilder, c: Candle): void {
  b.reset(c.openTimeMs, c.closeTimeMs);
  b.firstTradeId = c.firstTradeId ?? -1;
  b.lastTradeId = c.lastTradeId ?? -1;
  if (c.tradeCount === 0) return;
  b.count = c.tradeCount;
  b.openKeyMs = c.openTimeMs;
  b.openKeyId = -1;
  b.closeKeyMs = c.openTimeMs;
  b.closeKeyId = -1;
  b.openPrice = c.open;
  b.openPriceScale = wireScale(c.open);
  b.closePrice = c.close;
  b.closePriceScale = wireScale(c.close);
  scan(c.high);
  b.highPrice = c.high;
  b.highPriceScale = scanned.wireScale;
  b.highM = scanned.m;
  b.highS = scanned.s;
  b.highBig = scanned.big;
  scan(c.low);
  b.lowPrice = c.low;
  b.lowPriceScale = scanned.wireScale;
  b.lowM = scanned.m;
  b.lowS = scanned.s;
  b.lowBig = scanned.big;
  b.priceScale = Math.max(b.openPriceScale, b.closePriceScale, b.highPriceScale, b.lowPriceScale);
  b.qtyScale = Math.max(wireScale(c.volume), wireScale(c.takerBuyVolume));
  b.closeQtyScale = b.qtyScale;
  for (const [text, sum] of [
    [c.volume, b.volume], [c.quoteVolume, b.quoteVolume],
    [c.takerBuyVolume, b.takerBuyVolume], [c.takerBuyQuoteVolume, b.takerBuyQuoteVolume],
  ] as const) {
    scan(text);
    if (scanned.big === null) sum.add(scanned.m, scanned.s);
    else sum.addBig(scanned.big, scanned.s);
  }
}

/**
 * The previous close a published candle shows when it is empty (o = h = l = c), or null when it
 * shows none: an empty candle before any market print reads "0", never a real price.
 */
export function shownCarry(c: Candle): Carry | null {
  if (c.tradeCount > 0 || !scanDecimal(c.open) || (scanned.m === 0 && scanned.big === null)) return null;
  return makeCarry(c.open, scanned.wireScale, wireScale(c.volume));
}

function scan(text: string): void {
  if (!scanDecimal(text)) throw badDecimal(text);
}

export function wireScale(text: string): number {
  scan(text);
  return scanned.wireScale;
}
