import type { CandlePolicy, IntervalId } from '@exgate/domain';
import type { SymbolSpelling } from '../common/symbols';

export const EXCHANGE_ID = 'okx';

/** Public hosts (../shared/exchanges.md §4.1). `trades-all` is served on `/ws/v5/business` only. */
export const DEFAULT_WS_BASE_URL = 'wss://ws.okx.com:8443';
export const DEFAULT_REST_BASE_URL = 'https://www.okx.com';
export const BUSINESS_PATH = '/ws/v5/business';
export const PUBLIC_PATH = '/ws/v5/public';

/**
 * The channel exgate collects: `trades-all`, one push per fill with the fill's own `tradeId`, so
 * ids go up by exactly one and a hole is a loss REST can give back. `trades` aggregates fills of
 * one taker order at one price into one push (`tradeId` the last id, `count` fills): exact for
 * OHLCV but its ids jump by `count`; the mapper reads it (recorded captures) as `aggTrade`.
 */
export const TRADES_ALL = 'trades-all';
export const TRADES = 'trades';

/**
 * Spot `BTC-USDT` and linear (USDT- or USDC-margined) perpetual swaps `BTC-USDT-SWAP`. Inverse
 * swaps (`BTC-USD-SWAP`: contracts worth USD, settled in coin) and dated futures (`BTC-USD-220527`)
 * are refused before any I/O: their size in base is not an exact decimal of the print.
 */
export const SPOT_SYMBOL = /^[A-Z0-9]{1,20}-[A-Z0-9]{2,10}$/;
export const SWAP_SYMBOL = /^[A-Z0-9]{1,20}-(?:USDT|USDC)-SWAP$/;
export const SYMBOL_PATTERN = new RegExp(`${SPOT_SYMBOL.source}|${SWAP_SYMBOL.source}`);

/** `BTC-USDT` for the spot pair, `BTC-USDT-SWAP` for the perpetual: the dialects map names with it. */
export const SPELLING: SymbolSpelling = {
  write: (m) => (m.contract === 'perp' ? `${m.base}-${m.quote}-SWAP` : `${m.base}-${m.quote}`),
  read: (symbol) => {
    const m = /^([A-Z0-9]+)-([A-Z0-9]+)(-SWAP)?$/.exec(symbol.toUpperCase());
    return m ? { base: m[1]!, quote: m[2]!, contract: m[3] ? 'perp' : 'spot' } : undefined;
  },
};

export function isSwap(instId: string): boolean {
  return instId.endsWith('-SWAP');
}

/** `instType` of instruments REST. */
export function instTypeOf(instId: string): 'SPOT' | 'SWAP' {
  return isSwap(instId) ? 'SWAP' : 'SPOT';
}

const HOUR_MS = 3_600_000;

/**
 * OKX lays 6H and longer bars on UTC+8 unless the bar's name ends in `utc` (the docs' bar list;
 * freqtrade#7700, ccxt#15565). exgate reproduces the default.
 */
export const OKX_CANDLES: CandlePolicy = Object.freeze({ tzOffsetMs: 8 * HOUR_MS, openAt: 'first-print' });

/** OKX's `bar` names per exgate interval (UTC+8 ones for 6h and longer; no 8h). `1s`: history only. */
export const BAR_CODES: Readonly<Partial<Record<IntervalId, string>>> = {
  '1s': '1s', '1m': '1m', '3m': '3m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1H', '2h': '2H', '4h': '4H',
  '6h': '6H', '12h': '12H', '1d': '1D', '3d': '3D', '1w': '1W', '1M': '1M',
};
export const INTERVALS = Object.keys(BAR_CODES) as IntervalId[];

/**
 * Which prints count in candles. `source` "1" marks fills of Enhanced Liquidity Program orders:
 * they match on the order book and move the last price, and OKX's archived 1m candles equal the
 * fold of every archived fill (shared/exchanges.md §4.3): they count. Block trades never reach
 * `trades-all` (their own channel), so nothing here excludes them.
 */
export const COUNTS_IN_CANDLES = { elpOrder: true } as const;

/** Facts from OKX's v5 docs (../shared/exchanges.md §4). */
export const LIMITS = {
  /** history-trades: `limit` ≤ 100, 20 requests per 2 s per IP. */
  historyTradesPerCall: 100,
  historyRequestsPerWindow: 20,
  historyWindowMs: 2_000,
  /** market/trades: the latest ≤ 500. */
  recentTradesPerCall: 500,
  /** candles / history-candles: `limit` ≤ 300. candles 40 per 2 s, history-candles 20 per 2 s. */
  candlesPerCall: 300,
  candlesRequestsPerWindow: 20,
  /** The proxy route's largest `limit` (pages of 300). */
  klinesPerQuery: 1500,
  /** OKX closes a connection after 30 s without a subscription or a push: ping well before. */
  idleCutMs: 30_000,
  recommendedPingMs: 20_000,
  /** 480 subscribe/unsubscribe requests per hour per connection; args ≤ 64 KB per request. */
  argsPerRequest: 100,
  instrumentsPerConnection: 200,
  /** 3 connection requests per second per IP. */
  connectsPerSecond: 3,
} as const;
