import type { Candle, Trade, TradeKind } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import { historyCandles } from './history/history-reader';
import type { CandleQuery, HistoryQuery, HistoryTotals, MarketStore, NewestTradesQuery, RowSource, SqlDriver, StreamRef, TradeQuery } from './ports';
import { fromNullableUInt64, toTimeMs, toUInt } from './ints';
import {
  CANDLE_COLUMNS, CANDLE_ROWS, checkInterval, checkKind, rowToCandle, rowToTrade, TRADE_COLUMNS, TRADE_ROWS,
  type CandleRow, type TradeRow,
} from './rows';
import { checkDatabaseName, migrate } from './schema/migrate';
import { rowsOf } from './row-source';

export interface ClickHouseMarketStoreOptions {
  /** Database holding the tables; default `exgate`. */
  readonly database?: string;
  /** Rows per INSERT: bounds memory and request size; default 50 000. */
  readonly batchRows?: number;
}

/** 64-bit integers come back quoted on every driver, so none is parsed through a float. */
const READ_SETTINGS = 'SETTINGS output_format_json_quote_64bit_integers = 1';

/**
 * MarketStore over any SqlDriver. Writes are plain INSERTs into ReplacingMergeTree tables, so a
 * replay is harmless; reads use FINAL, so a duplicate that no merge has collapsed yet is never
 * seen (correctness over the few percent FINAL costs).
 */
export class ClickHouseMarketStore implements MarketStore {
  readonly database: string;
  private readonly batchRows: number;
  private migrated: Promise<void> | null = null;

  constructor(
    readonly driver: SqlDriver,
    options: ClickHouseMarketStoreOptions = {},
  ) {
    this.database = checkDatabaseName(options.database ?? 'exgate');
    this.batchRows = toUInt(options.batchRows ?? 50_000, 'batchRows') || 1;
  }

  migrate(): Promise<void> {
    // One run per store; a failed run may be retried.
    this.migrated ??= migrate(this.driver, this.database).then(
      () => undefined,
      (e: unknown) => {
        this.migrated = null;
        throw e;
      },
    );
    return this.migrated;
  }

  insertTrades(trades: readonly Trade[]): Promise<void> {
    return this.insertItems(`${this.database}.trades`, trades, TRADE_ROWS);
  }

  upsertCandles(candles: readonly Candle[]): Promise<void> {
    return this.insertItems(`${this.database}.candles`, candles, CANDLE_ROWS);
  }

  async candles(query: CandleQuery): Promise<Candle[]> {
    const interval = checkInterval(query.interval);
    const limit = toUInt(query.limit, 'limit');
    const fromMs = toTimeMs(query.fromMs, 'fromMs');
    const toMs = toTimeMs(query.toMs, 'toMs');
    if (limit === 0 || fromMs > toMs) return [];
    const desc = query.order === 'desc';
    const rows = await this.driver.query<CandleRow>(
      `SELECT ${CANDLE_COLUMNS}
       FROM ${this.database}.candles FINAL
       WHERE exchange = {exchange:String} AND symbol = {symbol:String} AND interval = {interval:String}
         AND open_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
         AND open_time <= fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
       ORDER BY open_time ${desc ? 'DESC' : 'ASC'}
       LIMIT {limit:UInt64}
       ${READ_SETTINGS}`,
      { exchange: query.exchange, symbol: query.symbol, interval, fromMs, toMs, limit },
    );
    const key = { exchange: query.exchange, symbol: query.symbol, interval };
    const candles = rows.map((r) => rowToCandle(key, r));
    return desc ? candles.reverse() : candles;
  }

  async trades(query: TradeQuery): Promise<Trade[]> {
    const kind = checkKind(query.kind);
    const limit = toUInt(query.limit, 'limit');
    if (query.order !== 'asc' && query.order !== 'desc') {
      throw new ExgateError('INVALID_ARGUMENT', `order must be asc or desc, got ${String(query.order)}`);
    }
    const params: Record<string, unknown> = { exchange: query.exchange, symbol: query.symbol, kind, limit };
    // Optional bounds choose between fixed SQL fragments; values are always bound.
    let bounds = '';
    if (query.fromMs !== undefined) {
      params.fromMs = toTimeMs(query.fromMs, 'fromMs');
      bounds += " AND exchange_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')";
    }
    if (query.toMs !== undefined) {
      params.toMs = toTimeMs(query.toMs, 'toMs');
      bounds += " AND exchange_time <= fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')";
    }
    if (query.fromId !== undefined) {
      params.fromId = toUInt(query.fromId, 'fromId');
      bounds += ' AND id >= {fromId:UInt64}';
    }
    if (limit === 0) return [];
    const rows = await this.driver.query<TradeRow>(
      `SELECT ${TRADE_COLUMNS}
       FROM ${this.database}.trades FINAL
       WHERE exchange = {exchange:String} AND symbol = {symbol:String} AND kind = {kind:String}${bounds}
       ORDER BY id ${query.order === 'desc' ? 'DESC' : 'ASC'}
       LIMIT {limit:UInt64}
       ${READ_SETTINGS}`,
      params,
    );
    const stream = { exchange: query.exchange, symbol: query.symbol, kind };
    const trades = rows.map((r) => rowToTrade(stream, r));
    return query.order === 'desc' ? trades.reverse() : trades;
  }

  async newestTrades(query: NewestTradesQuery): Promise<Trade[]> {
    const kind = checkKind(query.kind);
    if (query.symbols.length === 0) return [];
    const rows = await this.driver.query<TradeRow & { symbol: string }>(
      `SELECT symbol, ${TRADE_COLUMNS}
       FROM ${this.database}.trades FINAL
       WHERE exchange = {exchange:String} AND kind = {kind:String} AND symbol IN {symbols:Array(String)}
       ORDER BY symbol, id DESC
       LIMIT 1 BY symbol
       ${READ_SETTINGS}`,
      { exchange: query.exchange, kind, symbols: [...query.symbols] },
    );
    return rows.map((r) => rowToTrade({ exchange: query.exchange, symbol: r.symbol, kind }, r));
  }

  history(query: HistoryQuery): AsyncGenerator<Candle, HistoryTotals> {
    return historyCandles(this.driver, this.database, query);
  }

  async lastTradeId(stream: StreamRef): Promise<number | null> {
    const kind = checkKind(stream.kind);
    // No FINAL: a duplicate cannot change a maximum.
    const rows = await this.driver.query<{ last_id: unknown }>(
      `SELECT maxOrNull(id) AS last_id
       FROM ${this.database}.trades
       WHERE exchange = {exchange:String} AND symbol = {symbol:String} AND kind = {kind:String}
       ${READ_SETTINGS}`,
      { exchange: stream.exchange, symbol: stream.symbol, kind },
    );
    return fromNullableUInt64(rows[0]?.last_id, 'last_id');
  }

  async streams(): Promise<StreamRef[]> {
    const rows = await this.driver.query<{ exchange: string; symbol: string; kind_text: string }>(
      `SELECT exchange, symbol, toString(kind) AS kind_text
       FROM ${this.database}.trades
       GROUP BY exchange, symbol, kind
       ORDER BY exchange, symbol, kind`,
    );
    return rows.map((r) => ({ exchange: r.exchange, symbol: r.symbol, kind: r.kind_text as TradeKind }));
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /**
   * Everything validated before anything is written: a bad print fails the batch, not half of it.
   * Up to `batchRows` items go in one insert, which checks them all first; more are made rows
   * first (across turns, ADR 0018), then inserted in batches: slower, so the aggregator keeps its
   * writes within one.
   */
  private async insertItems<T>(table: string, items: readonly T[], source: RowSource<T>): Promise<void> {
    if (items.length <= this.batchRows) return this.driver.insertItems(table, items, source);
    const rows = await rowsOf(items, source);
    for (let start = 0; start < rows.length; start += this.batchRows) {
      await this.driver.insert(table, rows.slice(start, start + this.batchRows));
    }
  }
}
