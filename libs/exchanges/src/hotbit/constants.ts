import type { CandlePolicy, IntervalId } from '@exgate/domain';

/**
 * HotBit (spot) stopped trading on 2023-05-22 04:00 UTC. Its market-data protocol is, method for
 * method, the open-source ViaBTC exchange server's; exgate speaks it against the local simulator
 * (simulator/). Facts and sources: docs/exchanges/hotbit.md and ../shared/exchanges.md §1.
 */
export const EXCHANGE_ID = 'hotbit';

export const DEFAULT_WS_BASE_URL = 'wss://ws.hotbit.io/v2/';
/** Public REST methods live under `/p1/` (signed ones under `/p2/`). */
export const DEFAULT_REST_BASE_URL = 'https://api.hotbit.io/v2';

/** Websocket market names: `BTCUSDT`, `ETHBTC` (REST spells them `BTC/USDT`, see rest.ts). */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,32}$/;

/**
 * ViaBTC's `market.kline` takes any interval (seconds) that divides 60 below a minute, is a
 * multiple of 60 dividing 3600 below an hour, a multiple of 3600 dividing 86400 below a day, any
 * multiple of 86400 below a week, exactly a week or exactly 2592000 (a calendar month). Every
 * exgate interval is one of them.
 */
export const INTERVAL_SECONDS: Readonly<Record<IntervalId, number>> = {
  '1s': 1, '1m': 60, '3m': 180, '5m': 300, '15m': 900, '30m': 1800,
  '1h': 3600, '2h': 7200, '4h': 14_400, '6h': 21_600, '8h': 28_800, '12h': 43_200,
  '1d': 86_400, '3d': 259_200, '1w': 604_800, '1M': 2_592_000,
};
export const HOTBIT_INTERVALS = Object.keys(INTERVAL_SECONDS) as IntervalId[];

/**
 * HotBit's candles: days (and 6h, 12h, 3d, weeks, months) start at Singapore midnight, UTC+8
 * (seed 001 FAQ Q4); a bucket opens at its first deal. ViaBTC's `market_update`
 * (marketprice/mp_message.c) creates every new bucket with `kline_info_new(price)`, the deal's own
 * price, whatever ../shared/exchanges.md §1.4 says (docs/exchanges/hotbit.md).
 */
export const HOTBIT_CANDLES: CandlePolicy = Object.freeze({ tzOffsetMs: 8 * 3_600_000, openAt: 'first-print' });

export const LIMITS = {
  /** `market.deals`: `limit <= 1000` (seed 001). */
  maxDealsPerCall: 1000,
  /** ViaBTC keeps the newest MARKET_DEALS_MAX = 10,000 deals per market (marketprice/mp_message.h). */
  dealsKept: 10_000,
  /** The gateway polls each subscribed market every `deals_interval` (0.5 s, accessws/aw_config.c)… */
  dealsIntervalMs: 500,
  /** …for at most DEALS_QUERY_LIMIT = 100 deals newer than the last it pushed (accessws/aw_deals.c). */
  dealsPerPush: 100,
  /** ViaBTC closes a client that sent nothing for `keep_alive` seconds (default 3600). */
  keepAliveMs: 3_600_000,
  /**
   * None documented: one `deals.subscribe` carries every market of a connection, so this only
   * bounds the size of that message and of the pushes one socket receives.
   */
  maxMarketsPerConnection: 100,
  /** Candles per proxied `market.kline` call: ViaBTC sets no row limit; exgate pages by this. */
  klinesPerCall: 1000,
} as const;

/** `BTC/USDT` (REST) from a `market.list` entry. */
export function restMarketName(stock: string, money: string): string {
  return `${stock}/${money}`;
}
