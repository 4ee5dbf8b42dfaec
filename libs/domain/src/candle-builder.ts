import type { Candle, CandleState } from './candle';
import * as display from './carry';
import type { Carry } from './carry';
import * as decimal from './decimal';
import * as exact from './exact-sum';
import type { IntervalId } from './interval';
import type { Trade } from './trade';

// esbuild (tsx) compiles imports into getter calls; the hot path reads module-local bindings.
const { badDecimal, compareScaled, formatScaled, MAX_SAFE, scanDecimal, scanned } = decimal;
const { ExactSum } = exact;
const { emptyCandle, makeCarry, MAX_QUOTE_DISPLAY_SCALE, normalizeDecimal } = display;

/**
 * The last price text read, and what it read as (module scope: shared by all builders).
 * `canonical` is the same text without leading zeros.
 */
const lastPrice = { text: '', canonical: '', m: 0, s: 0, wireScale: 0, big: null as bigint | null };

/** The price fields toCandle shows (the builder's own, or with the carried open). */
interface OpenHighLow {
  readonly priceScale: number;
  readonly openPrice: string;
  readonly openPriceScale: number;
  readonly highPrice: string;
  readonly highPriceScale: number;
  readonly lowPrice: string;
  readonly lowPriceScale: number;
}

/** Identity of the series a builder's candles belong to. */
export interface SeriesMeta {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  /**
   * The candle policy's `openAt: 'previous-price'` (ViaBTC, HotBit): a bucket opens at the price
   * carried in (the print before it), and its high and low include that price.
   */
  readonly openAtCarry?: boolean;
}

/**
 * The pure, mutable state of one candle: trades go in (any order), folds of other builders go in,
 * a Candle comes out. Open/close are the earliest/latest market prints by (exchange time, id): the
 * first and last trade of the interval, ties in one millisecond broken by the exchange's sequence.
 * So adding trades and folding builders give the same result whatever the order, and because
 * buckets are disjoint in time, a coarse candle's close is always the close of its last non-empty
 * part (the fold is exact and associative: "higher interval = fold of lower ones" by construction).
 */
export class CandleBuilder {
  openTimeMs = 0;
  closeTimeMs = 0;
  /** Market trades: 1 per trade, l − f + 1 per aggTrade. 0 means no market print yet. */
  count = 0;
  /** Smallest and largest print id of any kind (null → -1); completeness bookkeeping. */
  firstTradeId = -1;
  lastTradeId = -1;
  /**
   * Ordering keys (time, then id) of the prints that gave open and close. A candle loaded from
   * storage has no such prints: its keys stand in (see loadCandle).
   */
  openKeyMs = 0;
  openKeyId = 0;
  closeKeyMs = 0;
  closeKeyId = 0;
  openPrice = '';
  closePrice = '';
  highPrice = '';
  highM = 0;
  highS = 0;
  highBig: bigint | null = null;
  lowPrice = '';
  lowM = 0;
  lowS = 0;
  lowBig: bigint | null = null;
  /** Largest wire scales seen among market prints: the display scales. */
  priceScale = 0;
  qtyScale = 0;
  /** Wire scales of the closing print: what empty buckets after this one show. */
  closePriceScale = 0;
  closeQtyScale = 0;
  /** Wire scales of the open/high/low price texts (to skip reformatting them). */
  openPriceScale = 0;
  highPriceScale = 0;
  lowPriceScale = 0;
  readonly volume = new ExactSum();
  readonly quoteVolume = new ExactSum();
  readonly takerBuyVolume = new ExactSum();
  readonly takerBuyQuoteVolume = new ExactSum();
  // A closed bucket's publication state (the aggregator's): times published (0: never), its
  // completeness as last published, and the previous close it shows if empty.
  version = 0;
  gapFree = false;
  carryIn: Carry | null = null;

  reset(openTimeMs: number, closeTimeMs: number): void {
    this.openTimeMs = openTimeMs;
    this.closeTimeMs = closeTimeMs;
    this.version = 0;
    this.gapFree = false;
    this.carryIn = null;
    this.count = 0;
    this.firstTradeId = -1;
    this.lastTradeId = -1;
    this.priceScale = 0;
    this.qtyScale = 0;
    this.volume.reset();
    this.quoteVolume.reset();
    this.takerBuyVolume.reset();
    this.takerBuyQuoteVolume.reset();
  }

  addTrade(t: Trade): void {
    const id = t.id;
    if (this.firstTradeId < 0 || id < this.firstTradeId) this.firstTradeId = id;
    if (id > this.lastTradeId) this.lastTradeId = id;
    if (!t.market) return;
    // Consecutive prints often share the price: read each distinct text once.
    if (t.price !== lastPrice.text) {
      const text = t.price;
      if (!scanDecimal(text)) throw badDecimal(text);
      lastPrice.text = text;
      lastPrice.m = scanned.m;
      lastPrice.s = scanned.s;
      lastPrice.wireScale = scanned.wireScale;
      lastPrice.big = scanned.big;
      // Kept as it came unless it has leading zeros ("063943.9"): toCandle shows texts as they are.
      const padded = text.charCodeAt(0) === 48 && text.length > 1 && text.charCodeAt(1) !== 46;
      lastPrice.canonical = padded ? formatScaled(scanned.big ?? scanned.m, scanned.s, scanned.wireScale) : text;
    }
    const price = lastPrice.canonical;
    const pm = lastPrice.m;
    const ps = lastPrice.s;
    const pbig = lastPrice.big;
    const pws = lastPrice.wireScale;
    if (pws > this.priceScale) this.priceScale = pws;
    if (!scanDecimal(t.qty)) throw badDecimal(t.qty);
    const qm = scanned.m;
    const qs = scanned.s;
    const qbig = scanned.big;
    const qws = scanned.wireScale;
    if (qws > this.qtyScale) this.qtyScale = qws;

    const timeMs = t.exchangeTimeMs;
    if (this.count === 0) {
      this.setOpen(timeMs, id, price, pws);
      this.setClose(timeMs, id, price, pws, qws);
      this.setHigh(price, pws, pm, ps, pbig);
      this.setLow(price, pws, pm, ps, pbig);
    } else {
      if (timeMs > this.closeKeyMs || (timeMs === this.closeKeyMs && id > this.closeKeyId)) this.setClose(timeMs, id, price, pws, qws);
      else if (timeMs < this.openKeyMs || (timeMs === this.openKeyMs && id < this.openKeyId)) this.setOpen(timeMs, id, price, pws);
      if (compareScaled(pm, ps, pbig, this.highM, this.highS, this.highBig) > 0) this.setHigh(price, pws, pm, ps, pbig);
      else if (compareScaled(pm, ps, pbig, this.lowM, this.lowS, this.lowBig) < 0) this.setLow(price, pws, pm, ps, pbig);
    }
    this.count += t.lastTradeId - t.firstTradeId + 1;

    const quoteScale = ps + qs;
    const quote = pm * qm; // exact when ≤ 2^53 (both are safe integers, or NaN for BigInt)
    if (quote <= MAX_SAFE) {
      this.volume.add(qm, qs);
      this.quoteVolume.add(quote, quoteScale);
      if (!t.isBuyerMaker) {
        this.takerBuyVolume.add(qm, qs);
        this.takerBuyQuoteVolume.add(quote, quoteScale);
      }
      return;
    }
    const bigQty = qbig ?? BigInt(qm);
    const bigQuote = (pbig ?? BigInt(pm)) * bigQty;
    this.volume.addBig(bigQty, qs);
    this.quoteVolume.addBig(bigQuote, quoteScale);
    if (!t.isBuyerMaker) {
      this.takerBuyVolume.addBig(bigQty, qs);
      this.takerBuyQuoteVolume.addBig(bigQuote, quoteScale);
    }
  }

  /** Folds another candle of the same series into this one (its bucket lies inside ours). */
  merge(o: CandleBuilder): void {
    if (o.firstTradeId >= 0) {
      if (this.firstTradeId < 0 || o.firstTradeId < this.firstTradeId) this.firstTradeId = o.firstTradeId;
      if (o.lastTradeId > this.lastTradeId) this.lastTradeId = o.lastTradeId;
    }
    if (o.count === 0) return;
    if (o.priceScale > this.priceScale) this.priceScale = o.priceScale;
    if (o.qtyScale > this.qtyScale) this.qtyScale = o.qtyScale;
    if (this.count === 0) {
      this.setOpen(o.openKeyMs, o.openKeyId, o.openPrice, o.openPriceScale);
      this.setClose(o.closeKeyMs, o.closeKeyId, o.closePrice, o.closePriceScale, o.closeQtyScale);
      this.setHigh(o.highPrice, o.highPriceScale, o.highM, o.highS, o.highBig);
      this.setLow(o.lowPrice, o.lowPriceScale, o.lowM, o.lowS, o.lowBig);
    } else {
      if (o.openKeyMs < this.openKeyMs || (o.openKeyMs === this.openKeyMs && o.openKeyId < this.openKeyId)) {
        this.setOpen(o.openKeyMs, o.openKeyId, o.openPrice, o.openPriceScale);
      }
      if (o.closeKeyMs > this.closeKeyMs || (o.closeKeyMs === this.closeKeyMs && o.closeKeyId > this.closeKeyId)) {
        this.setClose(o.closeKeyMs, o.closeKeyId, o.closePrice, o.closePriceScale, o.closeQtyScale);
      }
      if (compareScaled(o.highM, o.highS, o.highBig, this.highM, this.highS, this.highBig) > 0) {
        this.setHigh(o.highPrice, o.highPriceScale, o.highM, o.highS, o.highBig);
      }
      if (compareScaled(o.lowM, o.lowS, o.lowBig, this.lowM, this.lowS, this.lowBig) < 0) {
        this.setLow(o.lowPrice, o.lowPriceScale, o.lowM, o.lowS, o.lowBig);
      }
    }
    this.count += o.count;
    this.volume.addSum(o.volume);
    this.quoteVolume.addSum(o.quoteVolume);
    this.takerBuyVolume.addSum(o.takerBuyVolume);
    this.takerBuyQuoteVolume.addSum(o.takerBuyQuoteVolume);
  }

  copyFrom(o: CandleBuilder): void {
    this.reset(o.openTimeMs, o.closeTimeMs);
    this.merge(o);
  }

  /**
   * The carry after this bucket: its closing print, or `previous` if it had no trade (reused if
   * equal). Taken from the closing print alone, so every interval carries the same thing.
   */
  carryAfter(previous: Carry | null): Carry | null {
    if (this.count === 0) return previous;
    if (previous && previous.price === this.closePrice && previous.priceScale === this.closePriceScale
      && previous.qtyScale === this.closeQtyScale) return previous;
    return makeCarry(this.closePrice, this.closePriceScale, this.closeQtyScale);
  }

  /** The candle; an empty bucket shows `carry` as o = h = l = c and zero volumes. */
  toCandle(
    meta: SeriesMeta, state: CandleState, version: number, gapFree: boolean, carry: Carry | null,
  ): Candle {
    const empty = this.count === 0;
    if (empty) return emptyCandle(this, meta, state, version, gapFree, carry);
    const qtyScale = this.qtyScale;
    const ohl = meta.openAtCarry && carry ? this.carriedOpen(carry) : this;
    // Shown prices fix the display scales (a fold of stored candles reads them back from there).
    const priceScale = ohl.priceScale;
    const quoteScale = Math.min(priceScale + qtyScale, MAX_QUOTE_DISPLAY_SCALE);
    // One side often takes the whole bucket: reuse the string rather than format it twice.
    const volume = this.volume.format(qtyScale);
    const quoteVolume = this.quoteVolume.format(quoteScale);
    return {
      exchange: meta.exchange,
      symbol: meta.symbol,
      interval: meta.interval,
      openTimeMs: this.openTimeMs,
      closeTimeMs: this.closeTimeMs,
      open: ohl.openPriceScale === priceScale ? ohl.openPrice : normalizeDecimal(ohl.openPrice, priceScale),
      high: ohl.highPriceScale === priceScale ? ohl.highPrice : normalizeDecimal(ohl.highPrice, priceScale),
      low: ohl.lowPriceScale === priceScale ? ohl.lowPrice : normalizeDecimal(ohl.lowPrice, priceScale),
      close: this.closePriceScale === priceScale ? this.closePrice : normalizeDecimal(this.closePrice, priceScale),
      volume,
      quoteVolume,
      takerBuyVolume: this.takerBuyVolume.sameAs(this.volume) ? volume : this.takerBuyVolume.format(qtyScale),
      takerBuyQuoteVolume: this.takerBuyQuoteVolume.sameAs(this.quoteVolume)
        ? quoteVolume : this.takerBuyQuoteVolume.format(quoteScale),
      tradeCount: this.count,
      firstTradeId: this.firstTradeId < 0 ? null : this.firstTradeId,
      lastTradeId: this.lastTradeId < 0 ? null : this.lastTradeId,
      gapFree,
      state,
      version,
    };
  }

  /** Open, high and low when the bucket opens at the carried price (not on the hot path). */
  private carriedOpen(carry: Carry): OpenHighLow {
    if (!scanDecimal(carry.price)) throw badDecimal(carry.price);
    const above = compareScaled(scanned.m, scanned.s, scanned.big, this.highM, this.highS, this.highBig) > 0;
    const below = compareScaled(scanned.m, scanned.s, scanned.big, this.lowM, this.lowS, this.lowBig) < 0;
    return {
      priceScale: Math.max(this.priceScale, carry.priceScale),
      openPrice: carry.price,
      openPriceScale: carry.priceScale,
      highPrice: above ? carry.price : this.highPrice,
      highPriceScale: above ? carry.priceScale : this.highPriceScale,
      lowPrice: below ? carry.price : this.lowPrice,
      lowPriceScale: below ? carry.priceScale : this.lowPriceScale,
    };
  }

  private setOpen(keyMs: number, keyId: number, price: string, priceScale: number): void {
    this.openKeyMs = keyMs;
    this.openKeyId = keyId;
    this.openPrice = price;
    this.openPriceScale = priceScale;
  }

  private setClose(keyMs: number, keyId: number, price: string, priceScale: number, qtyScale: number): void {
    this.closeKeyMs = keyMs;
    this.closeKeyId = keyId;
    this.closePrice = price;
    this.closePriceScale = priceScale;
    this.closeQtyScale = qtyScale;
  }

  private setHigh(price: string, wireScale: number, m: number, s: number, big: bigint | null): void {
    this.highPrice = price;
    this.highPriceScale = wireScale;
    this.highM = m;
    this.highS = s;
    this.highBig = big;
  }

  private setLow(price: string, wireScale: number, m: number, s: number, big: bigint | null): void {
    this.lowPrice = price;
    this.lowPriceScale = wireScale;
    this.lowM = m;
    this.lowS = s;
    this.lowBig = big;
  }
}
