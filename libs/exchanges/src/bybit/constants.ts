import type { IntervalId } from '@exgate/domain';

export const EXCHANGE_ID = 'bybit';

/** Base hosts; the category's path is appended (`/v5/public/linear`). Regional hosts via BYBIT_WS_URL. */
export const DEFAULT_WS_BASE_URL = 'wss://stream.bybit.com';
export const DEFAULT_REST_BASE_URL = 'https://api.bybit.com';

/**
 * The two markets exgate collects. Bybit serves each on its own websocket path and REST
 * `category`; inverse and option contracts are not collected (their sizes are USD contracts or
 * per-coin option names).
 */
export type Category = 'linear' | 'spot';
export const CATEGORIES: readonly Category[] = ['linear', 'spot'];

/**
 * How an exgate symbol names its market. Bybit spells spot BTCUSDT and the linear perpetual
 * BTCUSDT the same; exgate keeps them apart as streams, in storage and in the API:
 * `BTCUSDT` is the linear contract (the default, as the desks trade it) and `BTCUSDT-SPOT` the
 * spot pair. The suffix never reaches Bybit.
 */
export const SPOT_SUFFIX = '-SPOT';

/**
 * Linear: upper case and digits (1000PEPEUSDT, BTCPERP), dated futures with `-26DEC25`. Symbols
 * ending in `USD` (or `USD` and a month code) are inverse contracts, coin-margined and sized in
 * USD: refused before any I/O rather than collected with the wrong units.
 */
export const LINEAR_SYMBOL = /^(?![A-Z0-9]*USD(?:[FGHJKMNQUVXZ]\d{2})?$)[A-Z0-9]{2,30}(?:-\d{1,2}[A-Z]{3}\d{2})?$/;
export const SPOT_SYMBOL = /^[A-Z0-9]{2,30}-SPOT$/;
/** Either market: what the API and the feed check before anything is sent. */
export const SYMBOL_PATTERN = new RegExp(`${LINEAR_SYMBOL.source}|${SPOT_SYMBOL.source}`);

/** Bybit's interval names (`/v5/market/kline`, `kline.{interval}`): no 8h, no 3d, no 1s. */
export const INTERVAL_CODES: Readonly<Partial<Record<IntervalId, string>>> = {
  '1m': '1', '3m': '3', '5m': '5', '15m': '15', '30m': '30', '1h': '60', '2h': '120', '4h': '240',
  '6h': '360', '12h': '720', '1d': 'D', '1w': 'W', '1M': 'M',
};
export const INTERVALS = Object.keys(INTERVAL_CODES) as IntervalId[];

/**
 * Which prints count in candles: a visible rule, tested (mapper.spec.ts). Bybit does not say
 * whether its klines include block trades (`BT`) or Retail Price Improvement trades (`RPI`);
 * see docs/exchanges/bybit.md. RPI fills are matched on the order book by the engine and move the
 * last price: they count. Block trades are negotiated off the book (RFQ) at prices the book did
 * not show: like Binance's non-MARKET prints they are stored but left out of candles.
 */
export const COUNTS_IN_CANDLES = { blockTrade: false, rpiTrade: true } as const;

/** Facts from Bybit's v5 docs (../shared/exchanges.md §5). */
export const LIMITS = {
  /** recent-trade `limit`: spot [1, 60], others [1, 1000]. */
  recentTradesPerCall: { spot: 60, linear: 1000 } as Readonly<Record<Category, number>>,
  klinesPerCall: 1000,
  /** Spot takes at most 10 `args` per subscribe request; linear has no documented cap. */
  argsPerRequest: { spot: 10, linear: 100 } as Readonly<Record<Category, number>>,
  /** Every public connection: the `args` it holds, added up, at most 21,000 characters. */
  argsCharsPerConnection: 21_000,
  /** Topics per connection we use: far below the 21,000-character cap (`publicTrade.X` ≈ 30). */
  topicsPerConnection: 200,
  /** HTTP: 600 requests per 5 s per IP; past it, 403 "access too frequent" for ≥ 10 min. */
  requestsPerWindow: 600,
  requestWindowMs: 5_000,
  banMs: 10 * 60_000,
  /** "a single message may have up to 1024 trades". */
  tradesPerMessage: 1024,
  /** Bybit cuts a connection with no ping and no data for 10 minutes. */
  idleCutMs: 10 * 60_000,
  /** Bybit recommends a ping at least every 20 s. */
  recommendedPingMs: 20_000,
} as const;

export function categoryOf(symbol: string): Category {
  return symbol.endsWith(SPOT_SUFFIX) ? 'spot' : 'linear';
}

/** exgate's symbol → Bybit's (`BTCUSDT-SPOT` → `BTCUSDT`). */
export function wireSymbol(symbol: string): string {
  return symbol.endsWith(SPOT_SUFFIX) ? symbol.slice(0, -SPOT_SUFFIX.length) : symbol;
}

/** Bybit's symbol in a category → exgate's. */
export function exgateSymbol(category: Category, wire: string): string {
  return category === 'spot' ? `${wire}${SPOT_SUFFIX}` : wire;
}

export function symbolPatternOf(category: Category): RegExp {
  return category === 'spot' ? SPOT_SYMBOL : LINEAR_SYMBOL;
}

/** Every trade topic's name starts so: `publicTrade.BTCUSDT`, the wire symbol after it. */
export const TOPIC_PREFIX = 'publicTrade.';

export function topicOf(symbol: string): string {
  return `${TOPIC_PREFIX}${wireSymbol(symbol)}`;
}
