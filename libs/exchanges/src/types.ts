import type { Clock, Logger } from '@exgate/runtime';
import type { IntervalId, Kline, Trade, TradeKind } from '@exgate/domain';

/**
 * What every exchange adapter provides. Binance (combined websocket streams), HotBit (JSON-RPC
 * `deals.subscribe` over websocket) and Coinbase INTX (channel subscriptions) all fit: the feed owns
 * the protocol, the pure mapper owns the frame shapes, REST owns history. See docs/adr/0003.
 */
export interface ExchangeAdapter {
  readonly info: ExchangeInfo;
  /** Pure: one raw websocket frame → what it carries. Never throws. */
  parseFrame(raw: string, receivedAtMs: number): FrameResult;
  /** A live connection manager for this exchange (ping/pong, reconnect, subscriptions). */
  createFeed(options: FeedOptions): TradeFeed;
  readonly rest: ExchangeRest;
}

export interface ExchangeInfo {
  /** Canonical id used in topics, storage and the API, e.g. `binance-usdm`. */
  readonly id: string;
  /** Other names the API accepts, e.g. `fbinance`. */
  readonly aliases: readonly string[];
  readonly displayName: string;
  /** Kline intervals the exchange itself publishes (futures has no 1s). */
  readonly intervals: readonly IntervalId[];
  /** The print stream the collector pulls. */
  readonly tradeKind: TradeKind;
  /** Exchange symbol syntax, checked before any I/O (e.g. /^[A-Z0-9]{2,20}$/). */
  readonly symbolPattern: RegExp;
  /**
   * `contiguous`: per symbol and kind, ids go up by exactly one (Binance), so a hole is a gap to
   * backfill. `increasing`: ids only grow (one counter across markets, e.g. HotBit), so holes are
   * normal and gaps are found by time and reconnects instead. Absent means `contiguous`.
   */
  readonly tradeIds?: 'contiguous' | 'increasing';
}

export type FrameResult =
  | { readonly type: 'trades'; readonly trades: readonly Trade[] }
  /** Protocol traffic that carries no trades: subscription acks, pongs, other streams. */
  | { readonly type: 'control'; readonly detail: string }
  | { readonly type: 'rejected'; readonly rejection: FrameRejection };

/** A frame exgate could not accept. `kind` is stable so rejections can be counted per kind. */
export interface FrameRejection {
  readonly kind: RejectionKind;
  readonly reason: string;
  /** The start of the raw frame, for the log line. */
  readonly sample: string;
}

export type RejectionKind =
  | 'invalid_json'
  | 'schema'
  | 'non_positive_quantity'
  | 'bad_decimal'
  | 'absurd_timestamp'
  | 'unknown_symbol'
  | 'unknown_stream';

/** A module per exchange folder; the registry lists them. */
export interface ExchangeModule {
  readonly info: ExchangeInfo;
  create(options: AdapterOptions): ExchangeAdapter;
}

export interface AdapterOptions {
  /** Overrides the exchange's websocket base, e.g. the simulator's `ws://127.0.0.1:port`. */
  readonly wsBaseUrl?: string;
  /** Overrides the exchange's REST base, e.g. the simulator's `http://127.0.0.1:port`. */
  readonly restBaseUrl?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Per REST request. */
  readonly restTimeoutMs?: number;
  /** The print stream this adapter's feeds and REST backfill use; defaults to `info.tradeKind`. */
  readonly tradeKind?: TradeKind;
  /**
   * Read-only market-data credentials, for exchanges that want them: Binance's `historicalTrades`
   * (raw-trade backfill) needs a key; Coinbase INTX signs even market-data subscriptions. Passed
   * in by config, never read from the environment, never a key that can trade.
   */
  readonly credentials?: ExchangeCredentials;
}

export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly apiSecret?: string;
  readonly passphrase?: string;
}

export interface FeedOptions {
  readonly events: FeedEvents;
  /** Which print stream to subscribe (default: info.tradeKind). */
  readonly kind?: TradeKind;
  /** Reconnect backoff: starts here, doubles, caps at maxBackoffMs, with jitter. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Reconnect when nothing arrived for this long (ms). */
  readonly silenceTimeoutMs?: number;
  /** We ping this often and reconnect when the pong is later than `pongTimeoutMs`. */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** Open a successor connection (overlapping, deduplicated) before the exchange's cut. */
  readonly maxConnectionAgeMs?: number;
}

export interface FeedEvents {
  onTrades(trades: readonly Trade[]): void;
  onStatus(status: FeedStatus): void;
  onRejected(rejection: FrameRejection): void;
}

/**
 * One feed may hold several connections (an exchange caps streams per connection): `connection`
 * names which one, `symbols` which prints it carries, so a disconnection marks only those as gappy.
 */
export type FeedStatus =
  | { readonly state: 'connecting'; readonly connection: string; readonly url: string; readonly attempt: number }
  | { readonly state: 'connected'; readonly connection: string; readonly url: string; readonly symbols: readonly string[] }
  | {
      readonly state: 'disconnected';
      readonly connection: string;
      readonly symbols: readonly string[];
      readonly reason: string;
      /** null: not retrying (stopped, or no symbol left). */
      readonly retryInMs: number | null;
    };

/** One connection manager; symbols come and go while it runs. */
export interface TradeFeed {
  /** Adds symbols (idempotent). Resolves when the exchange acknowledged, or at once when offline. */
  subscribe(symbols: readonly string[]): Promise<void>;
  unsubscribe(symbols: readonly string[]): Promise<void>;
  readonly symbols: ReadonlySet<string>;
  /** Connects (and keeps reconnecting) while at least one symbol is subscribed. */
  start(): void;
  stop(): Promise<void>;
}

export interface KlineQuery {
  readonly symbol: string;
  readonly interval: IntervalId;
  readonly startTimeMs?: number;
  readonly endTimeMs?: number;
  readonly limit?: number;
}

export interface ExchangeRest {
  /** The exchange's own klines, normalised. Throws ExgateError (UNKNOWN_SYMBOL, RATE_LIMITED, ...). */
  klines(query: KlineQuery): Promise<Kline[]>;
  /**
   * Prints from `fromId` inclusive, ascending, at most `limit`: the backfill path. `kind` defaults
   * to the adapter's; pass the feed's kind when they differ.
   */
  tradesFromId(symbol: string, fromId: number, limit: number, kind?: TradeKind): Promise<Trade[]>;
  /** The newest prints, ascending. */
  recentTrades(symbol: string, limit: number, kind?: TradeKind): Promise<Trade[]>;
  /** Whether the exchange lists the symbol (cached after the first call). */
  hasSymbol(symbol: string): Promise<boolean>;
}
