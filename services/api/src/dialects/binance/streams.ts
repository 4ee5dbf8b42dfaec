import { isInterval, type Candle, type IntervalId, type Trade } from '@exgate/domain';

/** Pure: Binance market-stream names and the events exgate sends on them. */

export type StreamSpec =
  | { readonly kind: 'kline'; readonly symbol: string; readonly interval: IntervalId }
  | { readonly kind: 'aggTrade' | 'trade'; readonly symbol: string };

/** `btcusdt@kline_1m`, `btcusdt@aggTrade`, `btcusdt@trade`; undefined for anything else. */
export function parseStreamName(name: string): StreamSpec | undefined {
  const m = /^([A-Za-z0-9_.-]{1,32})@(kline_([0-9]{1,2}[smhdwM])|aggTrade|trade)$/.exec(name);
  if (!m) return undefined;
  const symbol = m[1]!;
  if (m[3] !== undefined) return isInterval(m[3]) ? { kind: 'kline', symbol, interval: m[3] } : undefined;
  return { kind: m[2] as 'aggTrade' | 'trade', symbol };
}

export function klineEvent(c: Candle, name: string, eventTimeMs: number): Record<string, unknown> {
  return {
    e: 'kline', E: eventTimeMs, s: name,
    k: {
      t: c.openTimeMs, T: c.closeTimeMs, s: name, i: c.interval, f: c.firstTradeId ?? -1, L: c.lastTradeId ?? -1,
      o: c.open, c: c.close, h: c.high, l: c.low, v: c.volume, n: c.tradeCount, x: c.state !== 'forming',
      q: c.quoteVolume, V: c.takerBuyVolume, Q: c.takerBuyQuoteVolume, B: '0',
    },
  };
}

export function aggTradeEvent(t: Trade, name: string, spot: boolean): Record<string, unknown> {
  return {
    e: 'aggTrade', E: t.eventTimeMs, s: name, a: t.id, p: t.price, q: t.qty, f: t.firstTradeId, l: t.lastTradeId, T: t.exchangeTimeMs, m: t.isBuyerMaker,
    ...(spot ? { M: true } : {}),
  };
}

/** Only market prints are sent, so `X` is always MARKET on futures. */
export function tradeEvent(t: Trade, name: string, spot: boolean): Record<string, unknown> {
  return spot
    ? { e: 'trade', E: t.eventTimeMs, s: name, t: t.id, p: t.price, q: t.qty, T: t.exchangeTimeMs, m: t.isBuyerMaker, M: true }
    : { e: 'trade', E: t.eventTimeMs, T: t.exchangeTimeMs, s: name, t: t.id, p: t.price, q: t.qty, X: 'MARKET', m: t.isBuyerMaker };
}

/** Binance's websocket error codes. */
export const WS_ERROR = { UNKNOWN_PROPERTY: 0, INVALID_VALUE_TYPE: 1, INVALID_REQUEST: 2, INVALID_JSON: 3 } as const;
