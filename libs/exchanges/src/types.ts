import type { z } from 'zod';
import type { Clock, Logger } from '@exgate/runtime';
import type { CandlePolicy, IntervalId, Kline, Trade, TradeKind } from '@exgate/domain';
import type { SymbolSpelling } from './common/symbols';

/**
 * An exchange, as the rest of exgate sees it: everything about it lives in its folder and reaches
 * the house only through this module and the registry (registry.ts). Adding an exchange is its
 * folder plus one registry line. See docs/adr/0009-exchange-plugins.md.
 */
export interface ExchangeModule {
  readonly info: ExchangeInfo;
  /** Its own settings under its own prefix, merged into every service's strict schema. */
  readonly env: ExchangeEnv;
  create(options: AdapterOptions): ExchangeAdapter;
  /**
   * A local exchange speaking the real protocol from recorded frames: `--replay` and tests. Loaded
   * when asked for: the simulators (a websocket server, recordings, decimal.js) are a third of the
   * library, and `exgate candles` or a collector never start one.
   */
  loadSimulator(): Promise<SimulatorModule>;
}

/** What every exchange adapter provides: the pure mapper, live feeds, REST history. */
export interface ExchangeAdapter {
  readonly info: ExchangeInfo;
  /** Pure: one raw websocket frame → what it carries. Never throws. */
  parseFrame(raw: string, receivedAtMs: number): FrameResult;
  /** A live connection manager for this exchange (heartbeats, reconnects, subscriptions). */
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
  /** The print stream collected unless configured otherwise. */
  readonly tradeKind: TradeKind;
  /** Every print stream the adapter can collect. */
  readonly tradeKinds: readonly TradeKind[];
  /** Exchange symbol syntax, checked before any I/O (e.g. /^[A-Z0-9]{2,20}$/). */
  readonly symbolPattern: RegExp;
  /** How the exchange writes a market (BTC-USDT-SWAP, BTCUSDT): the dialects map spellings with it. */
  readonly spelling: SymbolSpelling;
  readonly capabilities: ExchangeCapabilities;
  /** How the exchange's own candles are built, which exgate's reproduce. */
  readonly candlePolicy: CandlePolicy;
  readonly limits: ExchangeLimits;
}

/**
 * What exgate may rely on. Completeness rests on these: where ids are contiguous a hole is a loss
 * to fetch; where they are not, a disconnection marks the candles it touches `gap_free: false`.
 */
export interface ExchangeCapabilities {
  /**
   * `contiguous`: per symbol and kind, ids go up by exactly one (Binance), so a hole is a loss.
   * `increasing`: ids only grow (one counter across markets, e.g. HotBit): holes are normal.
   * `none`: ids carry no order (Bybit's UUIDs): exgate orders prints as they arrive.
   */
  readonly tradeIds: 'contiguous' | 'increasing' | 'none';
  /** `by-id`: any id range can be fetched; `newest-only`: only the latest prints; `none`. */
  readonly backfill: 'by-id' | 'newest-only' | 'none';
  /**
   * `per-connection`: the exchange numbers its messages on each connection (INTX's `sequence`),
   * so a message lost on a live connection shows even where ids do not (FrameSequence). Absent:
   * only a disconnection shows a loss.
   */
  readonly messageSequence?: 'per-connection';
}

export interface ExchangeLimits {
  /** Prints per REST backfill call. */
  readonly backfillPageSize: number;
  /** Candles per REST klines call (the proxy route's largest `limit`). */
  readonly klinesPerCall: number;
  /** Prints per REST "recent trades" call. */
  readonly recentTradesPerCall: number;
}

/** An exchange's settings: variables under its prefix (e.g. `OKX_WS_URL`), parsed once per main.ts. */
export interface ExchangeEnv {
  /** A variable under it that the schema does not know is refused as a typo. */
  readonly prefix: string;
  /** Its variables, each optional or with a default. */
  readonly shape: z.ZodRawShape;
  /** The parsed variables → what `create` takes. */
  settings(env: Readonly<Record<string, unknown>>): ExchangeSettings;
}

export interface ExchangeSettings {
  /** Overrides the exchange's websocket base, e.g. the simulator's `ws://127.0.0.1:port`. */
  readonly wsBaseUrl?: string;
  /** Overrides the exchange's REST base, e.g. the simulator's `http://127.0.0.1:port`. */
  readonly restBaseUrl?: string;
  /** The print stream this adapter's feeds and REST backfill use; defaults to `info.tradeKind`. */
  readonly tradeKind?: TradeKind;
  /**
   * Read-only market-data credentials, for exchanges that want them: Binance's `historicalTrades`
   * (raw-trade backfill) needs a key; Coinbase INTX signs even market-data subscriptions. Passed
   * in by config, never read from the environment, never a key that can trade.
   */
  readonly credentials?: ExchangeCredentials;
}

export interface AdapterOptions extends ExchangeSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Per REST request. */
  readonly restTimeoutMs?: number;
}

export interface ExchangeCredentials {
  readonly apiKey: string;
  readonly apiSecret?: string;
  readonly passphrase?: string;
}

/** How a simulator paces recorded prints: as fast as sockets take them, or scaled recorded time. */
export type Pace = 'asap' | { readonly speed: number };

export interface SimulatorModule {
  /** A simulator playing `frames` (JSON lines of the exchange's websocket frames, any symbols). */
  start(options: SimulatorStart): Promise<ExchangeSimulator>;
  /**
   * Recorded Binance trade frames (real prints) re-encoded as this exchange's websocket frames,
   * for volume where its own recordings are few: the fault suite and the benchmarks play them.
   * Symbols keep their base and quote (BTCUSDT → the exchange's spelling of BTC/USDT).
   */
  fromBinance(frames: readonly string[]): string[];
}

export interface SimulatorStart {
  readonly frames: readonly string[];
  readonly pace?: Pace;
  /** REST history: what has been printed so far (like a live exchange) or the whole recording. */
  readonly restHistory?: 'printed' | 'all';
  readonly host?: string;
  readonly port?: number;
}

/** A running local exchange. Its REST and websocket speak the real exchange's protocol. */
export interface ExchangeSimulator {
  readonly wsBaseUrl: string;
  readonly restBaseUrl: string;
  /** Symbols it plays, in the exchange's spelling. */
  readonly symbols: readonly string[];
  /** Prints in the recording, all symbols. */
  readonly printCount: number;
  /**
   * The read-only credentials it accepts, for exchanges that sign even market data (Coinbase
   * INTX): whoever points a collector at the simulator passes them as that exchange's settings.
   */
  readonly credentials?: ExchangeCredentials;
  /** Resolves when every recorded print of these symbols (default: all) has been played. */
  drained(symbols?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export type FrameResult =
  | { readonly type: 'trades'; readonly trades: readonly Trade[]; readonly sequence?: FrameSequence }
  /** Protocol traffic that carries no trades: subscription acks, pongs, other streams. */
  | { readonly type: 'control'; readonly detail: string; readonly sequence?: FrameSequence }
  /**
   * `sequence`: the exchange's counter, where the message could be read that far. The connection
   * checks it as any other, so a rejected message is not also a sequence gap (a reconnect).
   */
  | { readonly type: 'rejected'; readonly rejection: FrameRejection; readonly sequence?: FrameSequence }
  /** The exchange announced it will close the connection (Binance's `serverShutdown`): rotate now. */
  | { readonly type: 'reconnect'; readonly detail: string };

/**
 * A message counter the exchange keeps per connection (Coinbase INTX's `sequence`): on one
 * connection each message of `stream` is exactly one more than the one before. The connection
 * checks it; a skipped number is a lost message, handled as a disconnection (the connection is
 * dropped and reopened, and the candles it touches are marked `gap_free: false`).
 */
export interface FrameSequence {
  readonly stream: string;
  readonly value: number;
}

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
  | 'unknown_stream'
  /** A binary frame the protocol could not decode (HotBit: not gzip). */
  | 'undecodable';

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
  /**
   * The exchange answered a heartbeat at `atMs`: every frame it sent before has arrived, so these
   * symbols are complete up to then even when nothing traded.
   */
  | { readonly state: 'alive'; readonly connection: string; readonly symbols: readonly string[]; readonly atMs: number }
  /** Symbols added to a connection that was already up. */
  | { readonly state: 'subscribed'; readonly connection: string; readonly symbols: readonly string[] }
  /**
   * A frame on this connection was rejected that may have carried prints of these symbols (it
   * could not be read, or a print in it was refused; not another stream's or an unknown symbol's):
   * those prints are unknown. The connection stays up. Where ids cannot show the loss, the prints
   * since the last one received are lost, as after a sequence gap.
   */
  | { readonly state: 'unread'; readonly connection: string; readonly symbols: readonly string[]; readonly kind: RejectionKind }
  | {
      readonly state: 'disconnected';
      readonly connection: string;
      readonly symbols: readonly string[];
      readonly reason: string;
      /** null: not retrying (stopped, or no symbol left). */
      readonly retryInMs: number | null;
      /**
       * `sequence-gap`: the exchange's message counter showed a loss (FrameSequence). A heartbeat
       * answered since the last print proves nothing then (the lost message was never sent), so
       * the prints since the last one received are unknown.
       */
      readonly cause?: 'sequence-gap';
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
  /**
   * The first print at or after `timeMs`, or null when there is none yet: where a history download
   * by id starts (`exgate backfill`). Only exchanges with `backfill: 'by-id'` offer it.
   */
  tradeAtOrAfter?(symbol: string, timeMs: number, kind?: TradeKind): Promise<Trade | null>;
  /** Whether the exchange lists the symbol (cached after the first call). */
  hasSymbol(symbol: string): Promise<boolean>;
}
