import type { IntervalId, TradeKind } from '@exgate/domain';

export const EXCHANGE_ID = 'binance-usdm';
/** What the original service called it. */
export const ALIASES = ['fbinance'] as const;

export const DEFAULT_WS_BASE_URL = 'wss://fstream.binance.com';
export const DEFAULT_REST_BASE_URL = 'https://fapi.binance.com';

/**
 * Since 2026-04-23 fstream routes streams by category: `/market` carries aggTrade and kline,
 * `/public` the high-frequency ones (depth, bookTicker, trade); a stream on the wrong route is
 * accepted and then silently never delivered. Mapping as in ccxt 4.5 (`getFutureWsCategory`).
 */
export const ROUTE_OF_KIND: Readonly<Record<TradeKind, 'market' | 'public'>> = {
  aggTrade: 'market',
  trade: 'public',
};

/** Upper-case ASCII, digits, `_` for dated contracts (BTCUSDT_240927). */
export const SYMBOL_PATTERN = /^[A-Z0-9_]{2,32}$/;

/** Futures klines have no 1s. */
export const FUTURES_INTERVALS: readonly IntervalId[] = [
  '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M',
];

/** Connection facts (DESIGN §4, Binance's websocket docs). */
export const LIMITS = {
  maxStreamsPerConnection: 200,
  /** Client → server messages, pings and pongs included; over it the server disconnects. */
  maxIncomingMessagesPerSecond: 10,
  connectionLifetimeMs: 24 * 60 * 60 * 1000,
  serverPingIntervalMs: 3 * 60 * 1000,
  maxKlinesPerCall: 1500,
  maxTradesPerCall: 1000,
  requestWeightPerMinute: 2400,
} as const;

export function streamName(symbol: string, kind: TradeKind): string {
  return `${symbol.toLowerCase()}@${kind}`;
}
