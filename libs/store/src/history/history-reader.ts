import {
  closeTimeMs, HistoryStitcher, intervalMs, nextOpenTimeMs, openTimeMs,
  type BucketSummary, type Candle, type IntervalId, type StreamAfter,
} from '@exgate/domain';
import { fromUInt64, toTimeMs, toUInt } from '../ints';
import type { HistoryQuery, HistoryTotals, SqlDriver } from '../ports';
import { checkInterval, checkKind, klineValues } from '../rows';
import { bucketParams, bucketSummariesSql, edgePrintSql, type BucketSummaryRow, type EdgePrint, type EdgePrintRow } from './sql';

/** Buckets aggregated per query: bounds the rows a page brings into JavaScript. */
const DEFAULT_PAGE_BUCKETS = 5_000;

/**
 * Candles computed from the stored trades of one stream, aggregated inside ClickHouse page by page
 * (a page is a run of whole buckets), stitched into the engine's candles (HistoryStitcher) as the
 * pages arrive. Memory holds one page of bucket summaries, whatever the length of the history.
 */
export async function* historyCandles(driver: SqlDriver, db: string, q: HistoryQuery): AsyncGenerator<Candle, HistoryTotals> {
  const interval = checkInterval(q.interval);
  const stream = { exchange: q.exchange, symbol: q.symbol, kind: checkKind(q.kind) };
  const tzOffsetMs = q.policy.tzOffsetMs;
  const limit = q.limit === undefined ? Number.POSITIVE_INFINITY : toUInt(q.limit, 'limit');
  const pageBuckets = toUInt(q.pageBuckets ?? DEFAULT_PAGE_BUCKETS, 'pageBuckets') || 1;
  const fromMs = q.fromMs === undefined ? undefined : toTimeMs(q.fromMs, 'fromMs');
  const toMs = q.toMs === undefined ? undefined : toTimeMs(q.toMs, 'toMs');
  const totals = { prints: 0 };
  if (limit === 0 || (fromMs !== undefined && toMs !== undefined && fromMs > toMs)) return totals;

  const edge = async (which: EdgePrint, atMs?: number): Promise<StreamAfter | null> => {
    const rows = await driver.query<EdgePrintRow>(edgePrintSql(db, which), { ...stream, ...(atMs === undefined ? {} : { atMs }) });
    const row = rows[0];
    return row ? { id: fromUInt64(row.id, 'id'), timeMs: fromUInt64(row.time_ms, 'time_ms') } : null;
  };

  // A window starts at fromMs, and counts as complete from there when the print before it is the
  // id just before; the whole stream starts at its first print, whose bucket was not seen whole.
  let startMs: number;
  let previousId: number | null = null;
  if (fromMs === undefined) {
    const first = await edge('first');
    if (!first) return totals;
    startMs = first.timeMs;
  } else {
    startMs = fromMs;
    previousId = (await edge('before', fromMs))?.id ?? null;
  }
  let endMs: number;
  if (toMs === undefined) {
    const last = await edge('last');
    if (!last) return totals;
    endMs = last.timeMs;
  } else {
    endMs = closeTimeMs(interval, openTimeMs(interval, toMs, tzOffsetMs), tzOffsetMs);
  }

  const stitcher = new HistoryStitcher({
    exchange: q.exchange, symbol: q.symbol, interval, policy: q.policy, contiguousIds: q.contiguousIds, previousId,
  });
  let emitted = 0;
  // Candles before fromMs (the partial bucket of an unaligned start) only carry state.
  const wanted = (c: Candle) => (fromMs === undefined || c.openTimeMs >= fromMs) && (toMs === undefined || c.openTimeMs <= toMs);

  let pageFromMs = startMs;
  while (pageFromMs <= endMs) {
    // Pages are sized to what is still wanted: the candles left, plus the partial bucket of an
    // unaligned start and the bucket that settles the last one.
    const bucketsPerPage = Math.min(pageBuckets, limit - emitted + 2);
    const pageToMs = Math.min(endMs, pageEndMs(interval, pageFromMs, bucketsPerPage, tzOffsetMs));
    const rows = await driver.query<BucketSummaryRow>(bucketSummariesSql(db, interval), {
      ...stream, ...bucketParams(interval, tzOffsetMs), fromMs: pageFromMs, toMs: pageToMs,
    });
    for (const row of rows) {
      const summary = toSummary(row);
      totals.prints += summary.prints;
      for (const c of stitcher.push(summary)) {
        if (!wanted(c)) continue;
        yield c;
        if (++emitted >= limit) return totals;
      }
    }
    pageFromMs = pageToMs + 1;
    if (rows.length === 0 && pageFromMs <= endMs) {
      // A quiet stretch: jump to the next print rather than page through empty time.
      const next = await edge('after', pageToMs);
      if (!next || next.timeMs > endMs) break;
      pageFromMs = openTimeMs(interval, next.timeMs, tzOffsetMs);
    }
  }
  // Past the window there may be later prints: then its last candle is closed, and quiet buckets
  // up to the next print are known empty (if no id is missing before it).
  const after = toMs === undefined ? null : await edge('after', endMs);
  for (const c of stitcher.finish(after, toMs ?? Number.POSITIVE_INFINITY)) {
    if (!wanted(c)) continue;
    yield c;
    if (++emitted >= limit) return totals;
  }
  return totals;
}

/** Last ms of the `count`-th bucket from the one holding `fromMs`. */
function pageEndMs(interval: IntervalId, fromMs: number, count: number, tzOffsetMs: number): number {
  const openMs = openTimeMs(interval, fromMs, tzOffsetMs);
  const lengthMs = intervalMs(interval);
  if (lengthMs !== null) return openMs + count * lengthMs - 1;
  let nextMs = openMs;
  for (let i = 0; i < count; i++) nextMs = nextOpenTimeMs(interval, nextMs, tzOffsetMs);
  return nextMs - 1;
}

function toSummary(r: BucketSummaryRow): BucketSummary {
  return {
    openTimeMs: fromUInt64(r.bucket_ms, 'bucket_ms'),
    prints: fromUInt64(r.prints, 'prints'),
    firstId: fromUInt64(r.first_id, 'first_id'),
    lastId: fromUInt64(r.last_id, 'last_id'),
    marketPrints: fromUInt64(r.market_prints, 'market_prints'),
    ...klineValues(r),
  };
}
