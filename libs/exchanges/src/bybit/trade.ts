import type { Trade } from '@exgate/domain';
import { COUNTS_IN_CANDLES, EXCHANGE_ID } from './constants';

/** Whether a print counts in candles, by the rule in COUNTS_IN_CANDLES. */
export function countsInCandles(blockTrade: boolean, rpiTrade: boolean): boolean {
  return (!blockTrade || COUNTS_IN_CANDLES.blockTrade) && (!rpiTrade || COUNTS_IN_CANDLES.rpiTrade);
}

export interface BybitPrint {
  readonly symbol: string;
  readonly sourceId: string;
  readonly price: string;
  readonly size: string;
  readonly takerSide: 'Buy' | 'Sell';
  readonly blockTrade: boolean;
  readonly rpiTrade: boolean;
  readonly tradeTimeMs: number;
  readonly eventTimeMs: number;
  readonly receivedAtMs: number;
}

/**
 * Bybit's ids carry no order and exceed 2^53 (UUIDs on linear, 19 digits on spot): `id` is 0
 * here and the shared feed numbers prints on arrival; the exchange's id travels as `sourceId`.
 */
export function bybitTrade(p: BybitPrint): Trade {
  return {
    exchange: EXCHANGE_ID, symbol: p.symbol, kind: 'trade', id: 0, sourceId: p.sourceId, firstTradeId: 0, lastTradeId: 0,
    price: p.price, qty: p.size,
    // `S` is the taker's side: a taker sell means the buyer made the market.
    isBuyerMaker: p.takerSide === 'Sell',
    market: countsInCandles(p.blockTrade, p.rpiTrade),
    exchangeTimeMs: p.tradeTimeMs, eventTimeMs: p.eventTimeMs, receivedAtMs: p.receivedAtMs,
  };
}
