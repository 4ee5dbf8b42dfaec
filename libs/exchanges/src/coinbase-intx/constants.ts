import type { IntervalId } from '@exgate/domain';
import type { SymbolSpelling } from '../common/symbols';

export const EXCHANGE_ID = 'coinbase-intx';

/** INTX's market-data websocket and REST hosts (sandbox: wss://ws-md.n5e2.coinbase.com). */
export const DEFAULT_WS_BASE_URL = 'wss://ws-md.international.coinbase.com';
export const DEFAULT_REST_BASE_URL = 'https://api.international.coinbase.com';

/**
 * INTX names instruments BASE-PERP (perpetuals, all USDC-margined) and BASE-QUOTE (spot, e.g.
 * BTC-USDC): upper case, digits, one dash. Checked before any I/O.
 */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,20}-(?:PERP|[A-Z0-9]{2,10})$/;

/**
 * How INTX writes a market: perpetuals (all USDC-margined) `BASE-PERP`, spot `BASE-QUOTE`. A
 * `-PERP` name reads as the USDC perpetual.
 */
export const SPELLING: SymbolSpelling = {
  write: (m) => (m.contract === 'perp' ? `${m.base}-PERP` : `${m.base}-${m.quote}`),
  read: (symbol) => {
    const m = /^([A-Z0-9]+)-([A-Z0-9]+)$/.exec(symbol.toUpperCase());
    if (!m) return undefined;
    return m[2] === 'PERP' ? { base: m[1]!, quote: 'USDC', contract: 'perp' } : { base: m[1]!, quote: m[2]!, contract: 'spot' };
  },
};

/** The channel exgate collects: one message per match. */
export const MATCH_CHANNEL = 'MATCH';

/** The candles endpoint's `granularity` enum (seed 002), by exgate interval: no 3m, 4h, 8h, 12h, 3d, 1w, 1M. */
export const GRANULARITIES: Readonly<Partial<Record<IntervalId, string>>> = {
  '1m': 'ONE_MINUTE', '5m': 'FIVE_MINUTE', '15m': 'FIFTEEN_MINUTE', '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR', '2h': 'TWO_HOUR', '6h': 'SIX_HOUR', '1d': 'ONE_DAY',
};
export const INTERVALS = Object.keys(GRANULARITIES) as IntervalId[];

/**
 * Which prints count in candles. `OPENING_FILL` is the print of an opening auction, matched by
 * the engine at one price: it moves the last price, so it counts (INTX does not say whether its
 * candles include it; docs/exchanges/coinbase-intx.md). RFQ fills come on another channel
 * (`RFQ_MATCH`), which exgate does not collect.
 */
export const COUNTS_IN_CANDLES = { openingFill: true } as const;

/** Facts from INTX's docs (../shared/exchanges.md §2). */
export const LIMITS = {
  /** REST: 40 requests per second per key (since 2024-07-11). */
  requestsPerSecond: 40,
  /**
   * Candle buckets asked per REST call. INTX documents no limit (ccxt assumes 10,000
   * [unverified]); exgate asks for windows of at most this many buckets.
   */
  candlesPerCall: 1000,
  /** Connection attempts: at most 10 per 30 s. */
  connectionAttemptsPerWindow: 10,
  connectionAttemptWindowMs: 30_000,
  /** "you must send a subscribe message or you are disconnected in 3 seconds". */
  subscribeWithinMs: 3_000,
  /** Products per connection we use (INTX documents no cap). */
  productsPerConnection: 100,
} as const;

/** The prehash's fixed part for market-data subscriptions: TIMESTAMP + KEY + "CBINTLMD" + PASSPHRASE. */
export const SIGNATURE_CHANNEL = 'CBINTLMD';
