import type { Trade } from '@exgate/domain';
import { EXCHANGE_ID } from './constants';

/** One deal of `market` (checked) as exgate's Trade, at `timeMs` read from its time text. */
export function dealTrade(market: string, d: { readonly id: number; readonly price: string; readonly amount: string; readonly type: 'buy' | 'sell' }, timeMs: number, receivedAtMs: number): Trade {
  return {
    exchange: EXCHANGE_ID, symbol: market, kind: 'trade', id: d.id, firstTradeId: d.id, lastTradeId: d.id,
    price: d.price, qty: d.amount,
    // `type` is the taker's side: a taker sale hit a resting bid, so the buyer was the maker.
    isBuyerMaker: d.type === 'sell',
    // ViaBTC has no trade types: every deal is in its klines.
    market: true,
    // Pushes carry no event time of their own.
    exchangeTimeMs: timeMs, eventTimeMs: timeMs, receivedAtMs,
  };
}
