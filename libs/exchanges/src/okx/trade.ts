import Decimal from 'decimal.js';
import type { Trade, TradeKind } from '@exgate/domain';
import { COUNTS_IN_CANDLES, EXCHANGE_ID, isSwap } from './constants';
import { idOf, type Listing } from './listing';

/** Enough digits for any size × contract value, exactly. */
const Exact = Decimal.clone({ precision: 80 });

/** Whether a print counts in candles, by the rule in COUNTS_IN_CANDLES. */
export function countsInCandles(source: '0' | '1' | undefined): boolean {
  return source !== '1' || COUNTS_IN_CANDLES.elpOrder;
}

/** Size in base units: spot sizes are, linear swap sizes are contracts of `ctVal` base each. */
export function baseSize(sz: string, ctVal: string | undefined): string {
  return ctVal === undefined ? sz : new Exact(sz).mul(ctVal).toFixed();
}

export interface OkxPrint {
  readonly instId: string;
  readonly tradeId: string;
  readonly px: string;
  readonly sz: string;
  readonly side: 'buy' | 'sell';
  readonly ts: string;
  readonly count?: string;
  readonly source?: '0' | '1';
}

/** One fill (or, from `trades`, one aggregate of `count` fills) as exgate's Trade. */
export function okxTrade(p: OkxPrint, kind: TradeKind, listing: Listing, receivedAtMs: number): Trade {
  const last = Number(p.tradeId);
  const count = p.count === undefined ? 1 : Number(p.count);
  const time = Number(p.ts);
  return {
    exchange: EXCHANGE_ID, symbol: p.instId, kind,
    id: idOf(listing.epoch, last), sourceId: p.tradeId,
    firstTradeId: idOf(listing.epoch, last - count + 1), lastTradeId: idOf(listing.epoch, last),
    price: p.px, qty: baseSize(p.sz, isSwap(p.instId) ? listing.ctVal : undefined),
    // `side` is the taker's: a taker sell means the buyer made the market.
    isBuyerMaker: p.side === 'sell',
    market: countsInCandles(p.source),
    exchangeTimeMs: time, eventTimeMs: time, receivedAtMs,
  };
}
