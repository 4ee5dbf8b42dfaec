import type { Candle, IntervalId, Kline, Schedule, Trade } from '@exgate/domain';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { CandleQuery as StoreCandleQuery } from '@exgate/store';
import type { Clock, Logger, MetricsRegistry } from '@exgate/runtime';

/**
 * What the API needs from the rest of exgate: narrow use cases, not the store or the bus. Every
 * argument arrives validated: `exchange` is the canonical id (aliases resolved), `symbol` is upper
 * case and matches the exchange's symbol pattern, `interval` is one the exchange supports.
 * Implementations throw ExgateError for expected failures (UNKNOWN_SYMBOL → 404,
 * EXCHANGE_UNAVAILABLE → 503, ...); anything else becomes a 500 with a generic message.
 */
export interface ApiDeps {
  readonly exchanges: {
    /** Every exchange exgate speaks (for error messages listing the known ones). */
    list(): readonly ExchangeInfo[];
    /** By canonical id or alias, lower case (e.g. `fbinance` → binance-usdm). */
    resolve(nameOrAlias: string): ExchangeInfo | undefined;
  };
  readonly symbols: {
    /** Whether the exchange lists the symbol; asked before a pull is recorded. */
    exists(exchange: string, symbol: string): Promise<boolean>;
    /** The symbols exgate collects on the exchange (pulled or with stored prints), sorted. */
    collected(exchange: string): Promise<readonly string[]>;
  };
  readonly subscriptions: {
    /** Persistent and idempotent. The collector subscribes per symbol; `interval` is the caller's. */
    pull(exchange: string, symbol: string, interval: IntervalId): Promise<'started' | 'already'>;
    stop(exchange: string, symbol: string, interval: IntervalId): Promise<'stopped' | 'not_pulled'>;
    /** Every pulled symbol, of every exchange, in no particular order (the chart's pickers). */
    list(): Promise<readonly PulledSymbol[]>;
  };
  readonly candles: {
    /** Stored candles whose open time is in [fromMs, toMs], ascending, the first `limit`. */
    stored(query: CandleQuery): Promise<readonly Candle[]>;
    /** The same candles as the stored-candle route's whole JSON body, `{"kline":[...]}` (from memory where it can be). */
    storedBody(query: CandleQuery): Promise<Uint8Array>;
    /** The same window computed now from stored trades. */
    generated(query: CandleQuery): Promise<readonly Candle[]>;
    /** The exchange's own klines through its REST API; missing times take the exchange's defaults. */
    proxied(query: ProxyKlineQuery): Promise<readonly Kline[]>;
  };
  readonly trades: {
    /** The newest `limit` trades, ascending. */
    recent(exchange: string, symbol: string, limit: number): Promise<readonly Trade[]>;
    /** The same prints as `recent`'s whole JSON body, `{"trade":[...]}` (from memory where it can be). */
    recentBody(exchange: string, symbol: string, limit: number): Promise<Uint8Array>;
    /** Stored prints from `fromId` and/or in [fromMs, toMs], ascending, the first `limit`. */
    range(query: TradeRangeQuery): Promise<readonly Trade[]>;
  };
  readonly scanner: {
    /** Rebuilds the symbol's candles of that interval from stored trades (idempotent). */
    regenerate(exchange: string, symbol: string, interval: IntervalId): Promise<RegenerateReport>;
    /** Registers a persistent schedule for the exchange's live symbols (idempotent). */
    schedule(exchange: string, schedule: ScheduleSpec): Promise<{ readonly created: boolean }>;
  };
  readonly live: {
    /** Candle updates (every state change) of one series; returns the unsubscribe. */
    subscribe(exchange: string, symbol: string, interval: IntervalId, onCandle: (candle: Candle) => void): () => void;
    /** The stream's prints as they are stored, in id order per call; returns the unsubscribe. */
    trades(exchange: string, symbol: string, onTrades: (trades: readonly Trade[]) => void): () => void;
  };
  readonly health: {
    ready(): Promise<{ readonly ready: boolean; readonly checks: Readonly<Record<string, boolean>> }>;
  };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Shared with the rest of the process when given, so one /metrics shows everything. */
  readonly metrics?: MetricsRegistry;
  /** Releases what the use cases hold (the candle cache's subscription); the app calls it on close. */
  close?(): void;
}

export interface PulledSymbol {
  readonly exchange: string;
  readonly symbol: string;
}

/** The store's window (open times inclusive, UTC ms; limit 1..1500 on /v1, up to 10,000 from the dialects) plus where days start. */
export interface CandleQuery extends StoreCandleQuery {
  /**
   * Where days (weeks, months) start, as an offset from UTC in ms (Binance's `timeZone`); 0 unless
   * it moves this interval's boundaries (+08:00 moves 6h, 12h, 1d and longer; +05:45 also 30m..2h).
   */
  readonly tzOffsetMs: number;
}

export interface TradeRangeQuery {
  readonly exchange: string;
  readonly symbol: string;
  /** Inclusive, on the stream's id. */
  readonly fromId?: number;
  /** Inclusive, on exchange time (UTC ms). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly limit: number;
}

export interface ProxyKlineQuery {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  readonly startTimeMs?: number;
  readonly endTimeMs?: number;
  readonly limit: number;
  readonly tzOffsetMs: number;
}

export interface RegenerateReport {
  readonly candles: number;
  readonly trades: number;
  /** Open time of the first and last candle rebuilt; null when there were no stored trades. */
  readonly fromMs: number | null;
  readonly toMs: number | null;
}

/** A parsed `{cron_interval}` (the domain's grammar, the one the scheduler fires); `spec` is stored. */
export type ScheduleSpec = Schedule;
