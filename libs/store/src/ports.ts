import type { Candle, CandlePolicy, IntervalId, Trade, TradeKind } from '@exgate/domain';

/**
 * One set of SQL, two drivers: the embedded engine (chdb, data in a local folder) and a ClickHouse
 * server (@clickhouse/client over HTTP). Parameters are always bound server-side (`{name:Type}`),
 * never spliced into SQL.
 */
export interface SqlDriver {
  /** DDL and statements without results. */
  exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void>;
  /** Rows as JSON objects (JSONEachRow). 64-bit integers come back as strings. */
  query<Row>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<Row[]>;
  /** Bulk insert of JSON rows. */
  insert(table: string, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void>;
  /**
   * Bulk insert of items as rows of `source`, in one insert: every item is checked (its `values`
   * throw, as its row would) before anything is written, so a bad item fails the insert, not half
   * of it. A driver may write the values without building a row object each.
   */
  insertItems<T>(table: string, items: readonly T[], source: RowSource<T>): Promise<void>;
  close(): Promise<void>;
}

/**
 * How an item becomes a row of a table: `values` puts the row's values into `into`, in `columns`
 * order, or throws INVALID_ARGUMENT for an item the table cannot take; `row` is the same values
 * as an object under the column names, for a driver or a format that wants objects (JSON).
 */
export interface RowSource<T> {
  readonly columns: readonly string[];
  values(item: T, into: unknown[]): void;
  row(item: T): Record<string, unknown>;
}

export interface CandleQuery {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  /** Inclusive bounds on open time. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly limit: number;
  /**
   * 'asc' (default): the earliest `limit` of the window; 'desc': the latest `limit` (the API's
   * candle cache fills its recent window with it). Results come back ascending either way.
   */
  readonly order?: 'asc' | 'desc';
}

export interface TradeQuery {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
  /** Inclusive bounds on exchange time. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Inclusive lower bound on the stream id (Binance's `fromId`). */
  readonly fromId?: number;
  readonly limit: number;
  /** 'asc' from the oldest, 'desc' from the newest (results still come back ascending, in id order). */
  readonly order: 'asc' | 'desc';
}

export interface NewestTradesQuery {
  readonly exchange: string;
  readonly kind: TradeKind;
  readonly symbols: readonly string[];
}

/** Candles computed from the stored trades of one stream (docs/candles.md, computed on request). */
export interface HistoryQuery {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
  readonly interval: IntervalId;
  /** The exchange's candle policy; `tzOffsetMs` is the query's time zone. */
  readonly policy: CandlePolicy;
  /** Ids go up by one (an id hole is a loss), or only grow (holes mean nothing). */
  readonly contiguousIds: boolean;
  /**
   * Inclusive bounds on open time. Without `fromMs`, from the stream's first print (its bucket is
   * not gap-free); without `toMs`, up to the last stored print (its bucket is forming).
   */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** At most this many candles; default all. */
  readonly limit?: number;
  /** Buckets aggregated per query; default 5000. */
  readonly pageBuckets?: number;
}

export interface HistoryTotals {
  /** Stored prints aggregated into the candles given (each id once). */
  readonly prints: number;
}

export interface StreamRef {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
}

/**
 * Trades and candles; every write is idempotent (a replay changes nothing). Decimals go in as exact
 * decimal strings and come back exact, in their shortest spelling ("63943.90" → "63943.9"); a value
 * the columns cannot hold exactly is refused (INVALID_ARGUMENT), never rounded.
 */
export interface MarketStore {
  migrate(): Promise<void>;
  insertTrades(trades: readonly Trade[]): Promise<void>;
  /** Keeps, per (exchange, symbol, interval, openTime), the highest version. */
  upsertCandles(candles: readonly Candle[]): Promise<void>;
  candles(query: CandleQuery): Promise<Candle[]>;
  trades(query: TradeQuery): Promise<Trade[]>;
  /**
   * Candles aggregated inside ClickHouse from the stored trades, ascending by open time, page by
   * page: the engine's candles for the same prints, without the prints entering JavaScript.
   * Returns (when iterated to its end or its limit) how many prints went in.
   */
  history(query: HistoryQuery): AsyncGenerator<Candle, HistoryTotals>;
  /**
   * The newest stored print (highest id) of each of these streams of one exchange and kind, as
   * `trades` with `order: 'desc', limit: 1` answers it for each; a stream with none is absent.
   * One read for many streams: what a restore asks first (ADR 0018).
   */
  newestTrades(query: NewestTradesQuery): Promise<Trade[]>;
  /** Highest stored id of a stream, or null: where the collector resumes after a restart. */
  lastTradeId(stream: StreamRef): Promise<number | null>;
  /** Streams that have stored trades. */
  streams(): Promise<StreamRef[]>;
  close(): Promise<void>;
}
