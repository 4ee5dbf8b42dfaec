import { CandleBuilder, type SeriesMeta } from './candle-builder';
import type { Carry } from './carry';
import * as interval from './interval';
import type { IntervalId } from './interval';

// esbuild (tsx) compiles imports into getter calls; bucket rolls read module-local bindings.
const { INTERVALS, nestsIn, nextOpenTimeMs, openTimeMs } = interval;

/**
 * One interval of an aggregator. The finest levels (roots) take prints; every other level takes
 * the closed buckets of its `source`, the coarsest configured interval that nests in it. So per
 * print only a root is touched, and a level's forming candle is its own partial fold plus the
 * forming candles down its source chain.
 */
export class Level {
  readonly meta: SeriesMeta;
  source: Level | null = null;
  readonly children: Level[] = [];
  /** The forming bucket: prints (root) or the fold of the closed source buckets inside it. */
  current = new CandleBuilder();
  nextOpenMs = 0;
  /** Closed buckets kept while late prints may still correct them (close + grace ≥ watermark). */
  readonly retained: CandleBuilder[] = [];
  /** Close of the last non-empty closed bucket. */
  carry: Carry | null = null;

  constructor(
    meta: Omit<SeriesMeta, 'interval'>,
    readonly interval: IntervalId,
    readonly tzOffsetMs: number,
  ) {
    this.meta = { ...meta, interval };
  }

  /** Positions the forming bucket on the one containing `timeMs`. */
  openAt(timeMs: number): void {
    const openMs = openTimeMs(this.interval, timeMs, this.tzOffsetMs);
    this.nextOpenMs = nextOpenTimeMs(this.interval, openMs, this.tzOffsetMs);
    this.current.reset(openMs, this.nextOpenMs - 1);
  }

  /** Moves the forming bucket to the next one, using `builder` (fresh or recycled). */
  advance(builder: CandleBuilder): void {
    const openMs = this.nextOpenMs;
    this.nextOpenMs = nextOpenTimeMs(this.interval, openMs, this.tzOffsetMs);
    builder.reset(openMs, this.nextOpenMs - 1);
    this.current = builder;
  }

  /** Index in `retained` of the closed bucket containing `timeMs`, or -1. */
  retainedIndex(timeMs: number): number {
    for (let i = this.retained.length - 1; i >= 0; i--) {
      const b = this.retained[i]!;
      if (b.openTimeMs <= timeMs) return b.closeTimeMs >= timeMs ? i : -1;
    }
    return -1;
  }
}

/** Builds the levels for `intervals` and links each to its source (null for roots). */
export function buildLevels(
  meta: Omit<SeriesMeta, 'interval'>, intervals: readonly IntervalId[], tzOffsetMs: number,
): Level[] {
  const ordered = INTERVALS.filter((i) => intervals.includes(i));
  const levels = ordered.map((i) => new Level(meta, i, tzOffsetMs));
  for (let c = 0; c < levels.length; c++) {
    for (let f = c - 1; f >= 0; f--) {
      if (nestsIn(levels[f]!.interval, levels[c]!.interval)) {
        levels[c]!.source = levels[f]!;
        levels[f]!.children.push(levels[c]!);
        break;
      }
    }
  }
  return levels;
}
