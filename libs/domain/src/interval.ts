/** Binance's kline intervals, shortest first. Futures has no `1s`; spot does. */
export const INTERVALS = [
  '1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M',
] as const;

export type IntervalId = (typeof INTERVALS)[number];

export function isInterval(value: string): value is IntervalId {
  return (INTERVALS as readonly string[]).includes(value);
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * Length of every interval that has one. `1M` has none (calendar months). `1w` is 7 days but is
 * aligned to Monday, not to the epoch (1970-01-01 was a Thursday).
 *
 * `3d` is aligned to the epoch: a 3d kline opens on the UTC days whose number since 1970-01-01 is a
 * multiple of 3. Evidence: Binance's 3d openTime 1501545600000 (2017-08-01, day 17379 = 3·5793), and
 * the node-binance-api report of 2018-06-27 (day 17709 = 3·5903) where the live 6h, 12h, 1d and 3d
 * klines all had the same open, i.e. a 3d kline began with that UTC day. Both are multiples of 3
 * days from the epoch; a week- or month-anchored 3d would not give both. See interval.spec.ts.
 */
const FIXED_MS: Readonly<Record<Exclude<IntervalId, '1M'>, number>> = {
  '1s': SECOND_MS,
  '1m': MINUTE_MS,
  '3m': 3 * MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '2h': 2 * HOUR_MS,
  '4h': 4 * HOUR_MS,
  '6h': 6 * HOUR_MS,
  '8h': 8 * HOUR_MS,
  '12h': 12 * HOUR_MS,
  '1d': DAY_MS,
  '3d': 3 * DAY_MS,
  '1w': WEEK_MS,
};

/** The interval's length in ms, or null for `1M` (months differ in length). */
export function intervalMs(interval: IntervalId): number | null {
  return interval === '1M' ? null : FIXED_MS[interval];
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Monday 1970-01-05 00:00 is 4 days after the epoch (a Thursday). */
const MONDAY_EPOCH_OFFSET_MS = 4 * DAY_MS;

/**
 * Open time (UTC ms) of the `interval` bucket that contains `timeMs`.
 *
 * `tzOffsetMs` is the local time zone's offset from UTC (+08:00 → 28_800_000). As in Binance's
 * `timeZone` parameter and `@+08:00` kline streams, every interval is laid out on the local clock:
 * a 1d kline opens at local midnight, 1w at local Monday 00:00, 1M on the local 1st. Whether a given
 * interval moves depends on the offset: an interval whose length divides the offset is unchanged
 * (+08:00 leaves 1s…4h and 8h alone but moves 6h, 12h, 1d, 3d, 1w and 1M; +05:45 also moves 30m,
 * 1h and 2h). Open times stay UTC instants.
 */
export function openTimeMs(interval: IntervalId, timeMs: number, tzOffsetMs = 0): number {
  const localMs = timeMs + tzOffsetMs;
  if (interval === '1M') {
    const d = new Date(localMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - tzOffsetMs;
  }
  if (interval === '1w') {
    return localMs - floorMod(localMs - MONDAY_EPOCH_OFFSET_MS, WEEK_MS) - tzOffsetMs;
  }
  const lengthMs = FIXED_MS[interval];
  return localMs - floorMod(localMs, lengthMs) - tzOffsetMs;
}

/** Open time of the bucket after the one that opens at `bucketOpenMs` (itself an open time). */
export function nextOpenTimeMs(interval: IntervalId, bucketOpenMs: number, tzOffsetMs = 0): number {
  if (interval === '1M') {
    const d = new Date(bucketOpenMs + tzOffsetMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - tzOffsetMs;
  }
  return bucketOpenMs + FIXED_MS[interval];
}

/** Binance's closeTime: the next open time minus 1 ms. */
export function closeTimeMs(interval: IntervalId, bucketOpenMs: number, tzOffsetMs = 0): number {
  return nextOpenTimeMs(interval, bucketOpenMs, tzOffsetMs) - 1;
}

/**
 * True when every `coarse` bucket is a whole number of `fine` buckets (with the same offset), so
 * coarse candles can be folded from fine ones. Fixed intervals nest when the lengths divide; 1w and
 * 1M start on local day boundaries, so anything dividing a day nests in them.
 */
export function nestsIn(fine: IntervalId, coarse: IntervalId): boolean {
  if (fine === coarse || fine === '1M' || fine === '1w') return false;
  const fineMs = FIXED_MS[fine];
  if (coarse === '1M' || coarse === '1w') return DAY_MS % fineMs === 0;
  return FIXED_MS[coarse] % fineMs === 0;
}
