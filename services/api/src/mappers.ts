import type { Candle, Kline, Trade } from '@exgate/domain';
import type { KlineJson, TradeJson } from './schemas';

/** Pure: a domain kline (or exgate candle) → the contract's kline object plus exgate's fields. */
export function klineJson(k: Kline | Candle): KlineJson {
  const base: KlineJson = {
    open_time: k.openTimeMs,
    open: k.open,
    high: k.high,
    low: k.low,
    close: k.close,
    volume: k.volume,
    close_time: k.closeTimeMs,
    quote_volume: k.quoteVolume,
    trade_count: k.tradeCount,
    taker_buy_volume: k.takerBuyVolume,
    taker_buy_quote_volume: k.takerBuyQuoteVolume,
  };
  if (!isCandle(k)) return base;
  return {
    ...base,
    first_trade_id: k.firstTradeId === null ? null : String(k.firstTradeId),
    last_trade_id: k.lastTradeId === null ? null : String(k.lastTradeId),
    gap_free: k.gapFree,
    state: k.state,
    version: k.version,
  };
}

/** Pure: id and time are int64, so strings (proto3 JSON); amount is the quantity. */
/** `id` is the exchange's own trade id (its UUID where exgate had to number the prints). */
export function tradeJson(t: Trade): TradeJson {
  return {
    id: t.sourceId ?? String(t.id),
    time: String(t.exchangeTimeMs),
    price: t.price,
    amount: t.qty,
    isBuyerMaker: t.isBuyerMaker,
  };
}

function isCandle(k: Kline | Candle): k is Candle {
  return 'state' in k;
}
