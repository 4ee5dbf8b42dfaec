import type { IntervalId } from '@exgate/domain';
import { DAY_MS, intervalMs } from '@exgate/domain';
import type { KlineTextsRow } from '../rows';

/**
 * The SQL of computed candles: one text for the embedded engine and a server, values bound
 * (`{name:Type}`), fragments chosen from fixed texts. `db` is the store's validated database name.
 */

const STREAM = 'exchange = {exchange:String} AND symbol = {symbol:String} AND kind = {kind:String}';
/** 64-bit integers come back quoted on every driver, so none is parsed through a float. */
const READ_SETTINGS = 'output_format_json_quote_64bit_integers = 1';

const LOCAL_MS = 'toUnixTimestamp64Milli(exchange_time) + {tzOffsetMs:Int64}';
/**
 * Open time (UTC ms) of the bucket holding a print, laid out on the local clock of the offset:
 * fixed lengths floor from an anchor (the epoch; Monday 1970-01-05 for weeks), months start on the
 * local 1st. The same arithmetic as the domain's openTimeMs.
 */
const FIXED_BUCKET = `(${LOCAL_MS}) - positiveModulo((${LOCAL_MS}) - {anchorMs:Int64}, {lengthMs:Int64}) - {tzOffsetMs:Int64}`;
const MONTH_BUCKET =
  `toInt64(toUnixTimestamp(toDateTime(toStartOfMonth(fromUnixTimestamp64Milli(${LOCAL_MS}, 'UTC')), 'UTC'))) * 1000 - {tzOffsetMs:Int64}`;

/** Bound values of the bucket expression for `interval`. */
export function bucketParams(interval: IntervalId, tzOffsetMs: number): Record<string, number> {
  const lengthMs = intervalMs(interval);
  return { tzOffsetMs, anchorMs: interval === '1w' ? 4 * DAY_MS : 0, lengthMs: lengthMs ?? 0 };
}

/**
 * Per bucket with any stored print between {fromMs} and {toMs} (exchange time, inclusive): the
 * kline of its market prints in exact Decimal arithmetic, and its ids over all prints. Open and
 * close are the earliest and latest market prints by (exchange time, id): argMin/argMax over that
 * pair packed into one UInt128 (time in the high 64 bits), which orders exactly as the tuple. Σ price·qty is taken in
 * Decimal(76, 36), the scale of a product of two Decimal(38, 18), as the candles table holds it.
 * FINAL: a print stored twice (a replay not merged yet) counts once.
 */
export function bucketSummariesSql(db: string, interval: IntervalId): string {
  return `SELECT
    bucket_ms,
    count() AS prints,
    min(id) AS first_id,
    max(id) AS last_id,
    countIf(market) AS market_prints,
    toString(argMinIf(price, print_key, market)) AS open_text,
    toString(maxIf(price, market)) AS high_text,
    toString(minIf(price, market)) AS low_text,
    toString(argMaxIf(price, print_key, market)) AS close_text,
    toString(sumIf(qty, market)) AS volume_text,
    toString(sumIf(quote, market)) AS quote_volume_text,
    toString(sumIf(qty, taker_buy)) AS taker_buy_volume_text,
    toString(sumIf(quote, taker_buy)) AS taker_buy_quote_volume_text,
    sumIf(last_trade_id - first_trade_id + 1, market) AS trade_count
  FROM
  (
    SELECT
      ${interval === '1M' ? MONTH_BUCKET : FIXED_BUCKET} AS bucket_ms,
      id, price, qty, market, first_trade_id, last_trade_id,
      -- (exchange time, id) as one UInt128: the order of the tuple, compared several times faster.
      bitShiftLeft(toUInt128(toUnixTimestamp64Milli(exchange_time)), 64) + id AS print_key,
      toDecimal256(price, 18) * qty AS quote,
      market AND NOT is_buyer_maker AS taker_buy
    FROM ${db}.trades FINAL
    WHERE ${STREAM}
      AND exchange_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
      AND exchange_time <= fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
  )
  GROUP BY bucket_ms
  ORDER BY bucket_ms
  SETTINGS ${READ_SETTINGS}`;
}

export interface BucketSummaryRow extends KlineTextsRow {
  readonly bucket_ms: unknown;
  readonly prints: unknown;
  readonly first_id: unknown;
  readonly last_id: unknown;
  readonly market_prints: unknown;
}

/**
 * Which stored print to find: the first or last of the stream, the last before {atMs}, the first
 * after {atMs}. Ids follow time within a stream, so these are the smallest or largest id on that
 * side; the sort key ends with id, so the engine reads in order and stops at the first row. No
 * FINAL: a duplicate has the same id and time.
 */
export type EdgePrint = 'first' | 'last' | 'before' | 'after';

const EDGE: Readonly<Record<EdgePrint, { bound: string; order: 'ASC' | 'DESC' }>> = {
  first: { bound: '', order: 'ASC' },
  last: { bound: '', order: 'DESC' },
  before: { bound: " AND exchange_time < fromUnixTimestamp64Milli({atMs:Int64}, 'UTC')", order: 'DESC' },
  after: { bound: " AND exchange_time > fromUnixTimestamp64Milli({atMs:Int64}, 'UTC')", order: 'ASC' },
};

export function edgePrintSql(db: string, edge: EdgePrint): string {
  const { bound, order } = EDGE[edge];
  return `SELECT id, toUnixTimestamp64Milli(exchange_time) AS time_ms
  FROM ${db}.trades
  WHERE ${STREAM}${bound}
  ORDER BY id ${order}
  LIMIT 1
  SETTINGS ${READ_SETTINGS}`;
}

export interface EdgePrintRow {
  readonly id: unknown;
  readonly time_ms: unknown;
}
