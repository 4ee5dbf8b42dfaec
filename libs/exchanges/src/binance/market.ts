import type { IntervalId, TradeKind } from '@exgate/domain';

/**
 * One Binance market: what differs between USDⓈ-M futures and spot. The protocol, the frames, the
 * REST shapes and the errors are Binance's in both (this folder); each exchange folder
 * (`binance-usdm/`, `binance-spot/`) is its market plus its module.
 */
export interface BinanceMarket {
  /** The exchange id exgate uses for it. */
  readonly exchange: string;
  /** For messages: "Binance USDⓈ-M". */
  readonly name: string;
  readonly type: 'futures' | 'spot';
  readonly defaultWsBaseUrl: string;
  readonly defaultRestBaseUrl: string;
  /** REST path prefix: `/fapi/v1` or `/api/v3`. */
  readonly restPrefix: string;
  /**
   * Futures streams are routed by category since 2026-04-23 (`/market` for aggTrade and kline,
   * `/public` for trade; a stream on the wrong route is accepted and never delivered); spot's are not.
   */
  readonly routeOfKind: Readonly<Record<TradeKind, string>> | null;
  readonly symbolPattern: RegExp;
  readonly intervals: readonly IntervalId[];
  readonly limits: BinanceLimits;
  /** Request weights of the REST endpoints exgate calls. */
  readonly weights: { readonly aggTrades: number; readonly trades: number; readonly historicalTrades: number; readonly exchangeInfo: number; klines(limit: number): number };
  /** `historicalTrades` wants an API key (futures) or not (spot, since the MARKET_DATA → NONE change). */
  readonly historicalTradesNeedKey: boolean;
  /** Raw trades carry `X` (futures: only MARKET counts in klines); spot's have none and all count. */
  readonly printTypes: boolean;
}

export interface BinanceLimits {
  readonly maxStreamsPerConnection: number;
  /** Client → server messages, pings and pongs included; over it the server disconnects. */
  readonly maxIncomingMessagesPerSecond: number;
  readonly connectionLifetimeMs: number;
  readonly serverPingIntervalMs: number;
  readonly maxKlinesPerCall: number;
  readonly maxTradesPerCall: number;
  readonly requestWeightPerMinute: number;
}

export function streamName(symbol: string, kind: TradeKind): string {
  return `${symbol.toLowerCase()}@${kind}`;
}
