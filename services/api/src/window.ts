import { DAY_MS, intervalMs, parseTimeZone, type IntervalId } from '@exgate/domain';

/** Shortest and longest span of an interval: only `1M` varies (28..31 days). */
function spanMs(interval: IntervalId): readonly [shortest: number, longest: number] {
  const fixed = intervalMs(interval);
  return fixed === null ? [28 * DAY_MS, 31 * DAY_MS] : [fixed, fixed];
}

export interface OpenTimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The open-time window of a candle query when the caller left start or end out, as Binance does:
 * neither → the last `limit` candles up to now (the forming one included); only start → `limit`
 * candles from start; only end → `limit` candles up to end. Stores return the earliest `limit`
 * of a window, so the "up to" windows are sized by the shortest span: never more than `limit`
 * buckets fit, and the newest is never cut off (for `1M` that can mean a few fewer).
 */
export function candleWindow(
  interval: IntervalId,
  limit: number,
  startMs: number | undefined,
  endMs: number | undefined,
  nowMs: number,
): OpenTimeWindow {
  const [shortest, longest] = spanMs(interval);
  if (startMs !== undefined && endMs !== undefined) return { fromMs: startMs, toMs: endMs };
  if (startMs !== undefined) return { fromMs: startMs, toMs: startMs + limit * longest - 1 };
  const toMs = endMs ?? nowMs;
  return { fromMs: Math.max(0, toMs - limit * shortest + 1), toMs };
}

/**
 * `timeZone` parsed by the domain (Binance's forms: `+08:00`, `-1:00`, `05:45`, `8`, `UTC`). A `+`
 * sent unencoded in a query string arrives as a space, which the parser trims: it still means `+`.
 * Returns undefined when the text is not an offset. The offset is reduced to 0 where it does not
 * move the interval's boundaries (+08:00 on 1h), so stores see non-zero only when it matters.
 */
export function effectiveTzOffsetMs(interval: IntervalId, text: string): number | undefined {
  let offsetMs: number;
  try {
    offsetMs = parseTimeZone(text);
  } catch {
    return undefined;
  }
  const fixed = intervalMs(interval);
  return fixed !== null && offsetMs % fixed === 0 ? 0 : offsetMs;
}

/** The offset the exchange's own candles of `interval` are laid out on (0 when it moves nothing). */
export function nativeTzOffsetMs(exchange: { readonly candlePolicy: { readonly tzOffsetMs: number } }, interval: IntervalId): number {
  const offsetMs = exchange.candlePolicy.tzOffsetMs;
  const fixed = intervalMs(interval);
  return fixed !== null && offsetMs % fixed === 0 ? 0 : offsetMs;
}
