import type { Trade } from '@exgate/domain';
import { COUNTS_IN_CANDLES, EXCHANGE_ID } from './constants';
import type { MatchMessage } from './schemas';

/**
 * INTX's match ids are snowflake-like and exceed 2^53: `id` is 0 and the shared feed numbers
 * prints on arrival; `match_id` travels as `sourceId`.
 */
export function toTrade(m: MatchMessage, timeMs: number, receivedAtMs: number): Trade {
  return {
    exchange: EXCHANGE_ID, symbol: m.product_id, kind: 'trade', id: 0, sourceId: m.match_id, firstTradeId: 0, lastTradeId: 0,
    price: m.trade_price, qty: m.trade_qty,
    // `aggressor_side` is the taker's: a taker sell means the buyer made the market. An opening
    // fill has no aggressor; it is not a taker buy.
    isBuyerMaker: m.aggressor_side !== 'BUY',
    market: m.aggressor_side !== 'OPENING_FILL' || COUNTS_IN_CANDLES.openingFill,
    exchangeTimeMs: timeMs, eventTimeMs: timeMs, receivedAtMs,
  };
}
