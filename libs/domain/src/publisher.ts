import type { Candle } from './candle';
import { CandleBuilder } from './candle-builder';
import type { Coverage } from './coverage';
import { closeTimeMs, nextOpenTimeMs, openTimeMs } from './interval';
import type { Level } from './level';
import type { Trade } from './trade';

/**
 * The closing and correcting half of the aggregator: ends buckets (publish, fold into the coarser
 * levels, open the next), keeps closed buckets for the grace window, and puts late prints into
 * them. A closed bucket is published when it has prints or is known complete; an incomplete empty
 * bucket is not "no trades" and is left unpublished unless prints or completeness arrive later.
 */
export class Publisher {
  /** The latest time known to have passed. */
  watermarkMs = Number.NEGATIVE_INFINITY;
  private readonly pool: CandleBuilder[] = [];

  constructor(
    private readonly levels: readonly Level[],
    private readonly coverage: Coverage,
    private readonly graceMs: number,
    private readonly onCandle: (candle: Candle) => void,
  ) {}

  /** Ends `level`'s forming bucket: publish (and keep), fold into children, open the next. */
  closeBucket(level: Level): void {
    const b = level.current;
    const gapFree = this.coverage.isCovered(b.openTimeMs, b.closeTimeMs);
    b.gapFree = gapFree;
    b.carryIn = level.carry;
    level.carry = b.carryAfter(level.carry);
    if (gapFree || b.firstTradeId >= 0) this.publish(level, b, gapFree);
    const children = level.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (b.firstTradeId >= 0) child.current.merge(b);
      if (child.nextOpenMs === level.nextOpenMs) this.closeBucket(child);
    }
    if (this.graceMs > 0) {
      level.retained.push(b);
      this.expire(level);
      level.advance(this.pool.pop() ?? new CandleBuilder());
    } else {
      level.advance(b);
    }
  }

  /** False when the print's bucket closed longer ago than the grace window (or was dropped). */
  accepts(t: Trade, roots: readonly Level[]): boolean {
    const timeMs = t.exchangeTimeMs;
    for (const root of roots) {
      if (timeMs >= root.current.openTimeMs) continue;
      const index = root.retainedIndex(timeMs);
      if (index >= 0 ? !this.correctable(root.retained[index]!) : !this.beforeFirstCorrectable(root, timeMs)) return false;
    }
    return true;
  }

  /**
   * Puts an accepted print in the bucket of its time at every level; into a closed bucket it
   * corrects it and the closed coarser ones above it.
   */
  place(t: Trade, roots: readonly Level[]): 'applied' | 'corrected' {
    let corrected = false;
    for (const root of roots) corrected = this.apply(root, t) || corrected;
    return corrected ? 'corrected' : 'applied';
  }

  /** Completeness changed over [fromMs, toMs]: republish the closed candles whose flag moved. */
  republishRange(fromMs: number, toMs: number): void {
    for (const level of this.levels) {
      for (const b of level.retained) {
        if (b.openTimeMs > toMs || b.closeTimeMs < fromMs || !this.correctable(b)) continue;
        const gapFree = this.coverage.isCovered(b.openTimeMs, b.closeTimeMs);
        if (gapFree === b.gapFree && b.version > 0) continue;
        b.gapFree = gapFree;
        if (b.version > 0 || gapFree || b.firstTradeId >= 0) this.publish(level, b, gapFree);
      }
    }
  }

  /** True when the root buckets at `timeMs` are forming or still correctable. */
  correctableAt(timeMs: number, roots: readonly Level[]): boolean {
    return roots.every((root) => timeMs >= root.current.openTimeMs || this.bucketCorrectable(root, timeMs));
  }

  /** Forgets gaps that no open or correctable bucket overlaps any more. */
  pruneGaps(): void {
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const level of this.levels) {
      oldestMs = Math.min(oldestMs, level.retained[0]?.openTimeMs ?? level.current.openTimeMs);
    }
    this.coverage.prune(oldestMs);
  }

  /**
   * Adds the print to `level`'s bucket of its time. A forming bucket takes it and the coarser
   * levels see it through their source chain; a closed one is republished and the print goes on
   * to the children, whose forming (or closed) buckets had folded the uncorrected one.
   */
  private apply(level: Level, t: Trade): boolean {
    const timeMs = t.exchangeTimeMs;
    if (timeMs >= level.current.openTimeMs) {
      level.current.addTrade(t);
      return false;
    }
    let index = level.retainedIndex(timeMs);
    if (index < 0 && this.beforeFirstCorrectable(level, timeMs)) {
      this.openBefore(level, timeMs);
      index = 0;
    }
    if (index < 0) return false;
    const b = level.retained[index]!;
    b.addTrade(t);
    this.publish(level, b);
    this.carryForward(level, index);
    for (const child of level.children) this.apply(child, t);
    return true;
  }

  /** After closed bucket `index` changed, the empty buckets after it show its (maybe new) close. */
  private carryForward(level: Level, index: number): void {
    const retained = level.retained;
    const carry = retained[index]!.carryAfter(retained[index]!.carryIn);
    for (let i = index + 1; i < retained.length; i++) {
      const next = retained[i]!;
      // A bucket with prints shows the carry only where it opens at it (candle policy).
      if (next.count > 0 && !level.meta.openAtCarry) return;
      if (next.carryIn?.display !== carry?.display) {
        next.carryIn = carry;
        if (next.version > 0) this.publish(level, next);
      }
      if (next.count > 0) return;
    }
    level.carry = carry;
  }

  /** Emits the bucket's next version; its completeness is what coverage says now. */
  private publish(level: Level, b: CandleBuilder, gapFree = this.coverage.isCovered(b.openTimeMs, b.closeTimeMs)): void {
    b.gapFree = gapFree;
    b.version++;
    this.onCandle(b.toCandle(level.meta, b.version === 1 ? 'closed' : 'corrected', b.version, b.gapFree, b.carryIn));
  }

  /**
   * A print earlier than every bucket `level` has had (a stream's first prints can come out of
   * time order) whose bucket would still be correctable: that bucket exists for it, as it does
   * for an engine restored later (which keeps every correctable bucket).
   */
  private beforeFirstCorrectable(level: Level, timeMs: number): boolean {
    return timeMs < firstOpenMs(level) && this.bucketCorrectable(level, timeMs);
  }

  /** Whether `level`'s bucket holding `timeMs` is within the grace window, kept or not. */
  private bucketCorrectable(level: Level, timeMs: number): boolean {
    const closeMs = closeTimeMs(level.interval, openTimeMs(level.interval, timeMs, level.tzOffsetMs), level.tzOffsetMs);
    return closeMs + this.graceMs >= this.watermarkMs;
  }

  /** Opens the (empty, closed, unpublished) buckets from the one holding `timeMs` to the first. */
  private openBefore(level: Level, timeMs: number): void {
    const firstMs = firstOpenMs(level);
    const opened: CandleBuilder[] = [];
    for (let openMs = openTimeMs(level.interval, timeMs, level.tzOffsetMs); openMs < firstMs;) {
      const nextMs = nextOpenTimeMs(level.interval, openMs, level.tzOffsetMs);
      const b = this.pool.pop() ?? new CandleBuilder();
      b.reset(openMs, nextMs - 1);
      opened.push(b);
      openMs = nextMs;
    }
    level.retained.unshift(...opened);
  }

  private correctable(b: CandleBuilder): boolean {
    return b.closeTimeMs + this.graceMs >= this.watermarkMs;
  }

  /** Drops `level`'s closed buckets past their grace window, recycling their builders. */
  private expire(level: Level): void {
    const retained = level.retained;
    while (retained.length > 0 && !this.correctable(retained[0]!)) this.pool.push(retained.shift()!);
  }
}

/** Open time of the oldest bucket `level` still has (closed and kept, or forming). */
function firstOpenMs(level: Level): number {
  return level.retained[0]?.openTimeMs ?? level.current.openTimeMs;
}
