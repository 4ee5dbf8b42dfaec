import type { Candle } from '@exgate/domain';
import { klineJson } from '../mappers';

/** A candle with its /v1 JSON, serialized once when it enters the cache instead of per request. */
export interface CachedCandle {
  readonly candle: Candle;
  readonly json: string;
}

export function cached(candle: Candle): CachedCandle {
  return { candle, json: JSON.stringify(klineJson(candle)) };
}

/**
 * The recent candles of one series, ascending by open time, one entry per open time: the highest
 * version seen wins, whether it came from the store or from a live update, so a reader never gets
 * an older version after a newer one was seen. `coveredFromMs` is the promise the window makes:
 * every stored candle opening at or after it is here (the store is written before an update is
 * published). Until the first fill it is +∞: the window holds updates but promises nothing.
 * Pure and synchronous: a change is visible to the next reader, whole, or not at all.
 */
export class CandleWindow {
  private entries: CachedCandle[] = [];
  private covered = Number.POSITIVE_INFINITY;
  /** Grows with every change; a reader's memo of a response is valid while it is unchanged. */
  revision = 0;

  /**
   * @param keep   candles kept after an eviction (at least the routes' largest limit)
   * @param slack  how far past `keep` the window grows before the oldest are dropped, so that
   *               eviction is a rare splice rather than a shift per new candle
   */
  constructor(readonly keep: number, readonly slack: number) {}

  get coveredFromMs(): number {
    return this.covered;
  }

  get filled(): boolean {
    return this.covered !== Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.entries.length;
  }

  /** A live update (forming, closed or corrected). Older than the window, or not newer: ignored. */
  apply(candle: Candle): boolean {
    if (this.filled && candle.openTimeMs < this.covered) return false;
    if (!this.put(candle)) return false;
    this.evict();
    return true;
  }

  /**
   * What the store answered for the latest `keep` candles (ascending); `complete` when that was
   * the whole series. Merged by version; the window then covers the union of both promises.
   */
  merge(stored: readonly Candle[], complete: boolean): void {
    for (const c of stored) this.put(c);
    const fromMs = complete ? Number.NEGATIVE_INFINITY : (stored[0]?.openTimeMs ?? Number.POSITIVE_INFINITY);
    const covered = Math.min(this.covered, fromMs);
    if (covered !== this.covered) {
      this.covered = covered;
      this.revision++;
    }
    // Updates that arrived before the first fill for candles older than it promise nothing.
    const first = this.lowerBound(covered);
    if (first > 0) {
      this.entries = this.entries.slice(first);
      this.revision++;
    }
    this.evict();
  }

  /** The first `limit` candles opening in [fromMs, toMs]; only meaningful when fromMs ≥ coveredFromMs. */
  read(fromMs: number, toMs: number, limit: number): readonly CachedCandle[] {
    const start = this.lowerBound(fromMs);
    let end = start;
    const max = Math.min(this.entries.length, start + limit);
    while (end < max && this.entries[end]!.candle.openTimeMs <= toMs) end++;
    return this.entries.slice(start, end);
  }

  private put(candle: Candle): boolean {
    const i = this.lowerBound(candle.openTimeMs);
    const here = this.entries[i];
    if (here && here.candle.openTimeMs === candle.openTimeMs) {
      if (here.candle.version >= candle.version) return false;
      this.entries[i] = cached(candle);
    } else {
      this.entries.splice(i, 0, cached(candle));
    }
    this.revision++;
    return true;
  }

  /** Beyond keep + slack, the oldest go; the window then promises from its new first candle. */
  private evict(): void {
    if (!this.filled || this.entries.length <= this.keep + this.slack) return;
    this.entries = this.entries.slice(this.entries.length - this.keep);
    this.covered = this.entries[0]!.candle.openTimeMs;
    this.revision++;
  }

  /** Index of the first entry opening at or after `openTimeMs`. */
  private lowerBound(openTimeMs: number): number {
    let lo = 0;
    let hi = this.entries.length;
    // New candles arrive at the end: check there first.
    if (hi > 0 && this.entries[hi - 1]!.candle.openTimeMs < openTimeMs) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.candle.openTimeMs < openTimeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
