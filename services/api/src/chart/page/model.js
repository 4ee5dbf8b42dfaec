// @ts-check
/**
 * The chart page's pure part: API klines → drawable bars, and one series' candles kept by open
 * time, so a corrected candle replaces its bucket instead of being appended. No DOM, no fetch.
 * Decimal strings stay strings here (the legend shows them exactly); numbers exist only in bars.
 */

/**
 * A kline as the API sends it (stored route and websocket): times are numbers, decimals strings.
 * @typedef {{
 *   open_time: number, close_time: number, open: string, high: string, low: string, close: string,
 *   volume: string, trade_count?: number, gap_free?: boolean, state?: string, version?: number
 * }} Kline
 */

/**
 * What the chart library draws (its types; this module imports nothing at run time).
 * @typedef {import('lightweight-charts').UTCTimestamp} Seconds
 * @typedef {import('lightweight-charts').CandlestickData<Seconds>} Bar
 * @typedef {import('lightweight-charts').HistogramData<Seconds>} VolumeBar
 * @typedef {'append' | 'replace-last' | 'replace' | 'insert' | 'stale'} Change
 */

export const COLORS = Object.freeze({
  up: '#26a69a',
  down: '#ef5350',
  /** Candles exgate cannot vouch for (`gap_free: false`): body, border and wick. */
  gap: '#f5a623',
  upVolume: 'rgba(38, 166, 154, 0.35)',
  downVolume: 'rgba(239, 83, 80, 0.35)',
  gapVolume: 'rgba(245, 166, 35, 0.35)',
});

/** The chart's time axis counts seconds (UTC); the API's open times are milliseconds. */
/** @returns {Seconds} */
export function timeOf(/** @type {Kline} */ k) {
  return /** @type {Seconds} */ (Math.floor(k.open_time / 1000));
}

/** @returns {Bar} */
export function toBar(/** @type {Kline} */ k) {
  const bar = { time: timeOf(k), open: Number(k.open), high: Number(k.high), low: Number(k.low), close: Number(k.close) };
  return k.gap_free === false ? { ...bar, color: COLORS.gap, borderColor: COLORS.gap, wickColor: COLORS.gap } : bar;
}

/** @returns {VolumeBar} */
export function toVolumeBar(/** @type {Kline} */ k) {
  const color = k.gap_free === false ? COLORS.gapVolume : Number(k.close) >= Number(k.open) ? COLORS.upVolume : COLORS.downVolume;
  return { time: timeOf(k), value: Number(k.volume), color };
}

/** Digits after the point in a decimal string: `"63960.10"` → 2, `"63960"` → 0. */
export function scaleOf(/** @type {string} */ decimal) {
  const point = decimal.indexOf('.');
  return point < 0 ? 0 : decimal.length - point - 1;
}

/**
 * Interval lengths in ms, for sizing history windows. A month counts 31 days: a window a little
 * too long only asks the store for candles it then cuts by `limit`.
 * @type {Readonly<Record<string, number>>}
 */
export const INTERVAL_MS = Object.freeze({
  '1s': 1_000, '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000,
  '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000,
  '1d': 86_400_000, '3d': 259_200_000, '1w': 604_800_000, '1M': 2_678_400_000,
});

/**
 * The stored route's window for the `count` candles whose open times are at most `endMs`. Its
 * bounds are open times, inclusive, and it answers the first `limit` candles of the window, so
 * the window spans `count` intervals: any span of that length holds `count` bucket starts.
 * @returns {{ startMs: number, endMs: number }}
 */
export function windowBefore(/** @type {string} */ interval, /** @type {number} */ endMs, /** @type {number} */ count) {
  const length = INTERVAL_MS[interval];
  if (length === undefined) throw new Error(`unknown interval ${interval}`);
  return { startMs: Math.max(0, endMs - count * length + 1), endMs };
}

/** One series' candles by open time, oldest first. */
export class CandleSet {
  constructor() {
    /** @type {Map<number, Kline>} */
    this.byTime = new Map();
    /** @type {number[]} open times in seconds, ascending */
    this.times = [];
    /** Largest number of decimals seen in a price: the chart's price precision. */
    this.priceScale = 0;
  }

  get size() {
    return this.times.length;
  }

  /** @returns {Kline | undefined} */
  last() {
    const t = this.times[this.times.length - 1];
    return t === undefined ? undefined : this.byTime.get(t);
  }

  /** @returns {Kline | undefined} */
  first() {
    const t = this.times[0];
    return t === undefined ? undefined : this.byTime.get(t);
  }

  /** @returns {Kline | undefined} */
  at(/** @type {number} */ timeSec) {
    return this.byTime.get(timeSec);
  }

  /**
   * Adds or replaces the candle of `k`'s bucket. An update older than what is held (a lower
   * version: a stored answer that raced a live update) is ignored; forming updates all carry
   * version 0, so an equal version replaces.
   * @returns {Change}
   */
  apply(/** @type {Kline} */ k) {
    const time = timeOf(k);
    const held = this.byTime.get(time);
    if (held && (k.version ?? 0) < (held.version ?? 0)) return 'stale';
    this.byTime.set(time, k);
    for (const p of [k.open, k.high, k.low, k.close]) this.priceScale = Math.max(this.priceScale, scaleOf(p));
    const lastTime = this.times[this.times.length - 1];
    if (held) return time === lastTime ? 'replace-last' : 'replace';
    if (lastTime === undefined || time > lastTime) {
      this.times.push(time);
      return 'append';
    }
    this.times.splice(sortedIndex(this.times, time), 0, time);
    return 'insert';
  }

  /** @returns {Bar[]} */
  bars() {
    return this.times.map((t) => toBar(/** @type {Kline} */ (this.byTime.get(t))));
  }

  /** @returns {VolumeBar[]} */
  volumeBars() {
    return this.times.map((t) => toVolumeBar(/** @type {Kline} */ (this.byTime.get(t))));
  }
}

function sortedIndex(/** @type {number[]} */ sorted, /** @type {number} */ value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (/** @type {number} */ (sorted[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `2024-07-18 23:59 UTC` (seconds shown for 1s candles). */
export function formatTime(/** @type {number} */ ms, /** @type {string} */ interval) {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, interval === '1s' ? 19 : 16)} UTC`;
}
