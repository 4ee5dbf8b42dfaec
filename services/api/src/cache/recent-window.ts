/** An item with its /v1 JSON, serialized at most once instead of per request. */
export interface Cached<T> {
  readonly item: T;
  readonly json: string;
}

/**
 * Serialized when first read, not when it enters the window: a forming candle is replaced many
 * times a second, and a replay at full speed closes thousands of candles a second that no one
 * may read before they are replaced or evicted.
 */
class Entry<T> implements Cached<T> {
  private text: string | undefined;

  constructor(
    readonly item: T,
    private readonly spec: WindowSpec<T>,
  ) {}

  get json(): string {
    return (this.text ??= this.spec.json(this.item));
  }
}

/** What a window needs to know of its items. */
export interface WindowSpec<T> {
  /** The order and identity of items: a candle's open time, a print's id. */
  key(item: T): number;
  /** Whether `next` replaces the `held` item of the same key (a candle's higher version). */
  replaces(next: T, held: T): boolean;
  json(item: T): string;
}

/**
 * The recent items of one series, ascending by key, one per key; `replaces` decides between two
 * of the same key, so a reader never gets an older version after a newer one was seen.
 * `coveredFrom` is the promise the window makes: every stored item whose key is at or after it is
 * here (the store is written before an update is published). Until the first fill it is +∞: the
 * window holds updates but promises nothing. Pure and synchronous: a change is visible to the
 * next reader, whole, or not at all.
 */
export class RecentWindow<T> {
  private entries: Cached<T>[] = [];
  private covered = Number.POSITIVE_INFINITY;
  /** Grows with every change; a memo of a response is valid while it is unchanged. */
  revision = 0;

  /**
   * @param keep   items kept after an eviction (at least the routes' largest limit)
   * @param slack  how far past `keep` the window grows before the oldest are dropped, so that
   *               eviction is a rare splice rather than a shift per new item
   */
  constructor(private readonly spec: WindowSpec<T>, readonly keep: number, readonly slack: number) {}

  get coveredFrom(): number {
    return this.covered;
  }

  get filled(): boolean {
    return this.covered !== Number.POSITIVE_INFINITY;
  }

  /** The whole series is here: the store had fewer than `keep` items when it was read. */
  get complete(): boolean {
    return this.covered === Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    return this.entries.length;
  }

  /** A live update. Older than the window, or not replacing what is here: ignored. */
  apply(item: T): boolean {
    if (this.filled && this.spec.key(item) < this.covered) return false;
    if (!this.put(item)) return false;
    this.evict();
    return true;
  }

  /**
   * What the store answered for the latest `keep` items (ascending); `complete` when that was the
   * whole series. Merged item by item; the window then covers the union of both promises.
   */
  merge(stored: readonly T[], complete: boolean): void {
    for (const item of stored) this.put(item);
    const first = stored[0];
    const from = complete ? Number.NEGATIVE_INFINITY : first === undefined ? Number.POSITIVE_INFINITY : this.spec.key(first);
    const covered = Math.min(this.covered, from);
    if (covered !== this.covered) {
      this.covered = covered;
      this.revision++;
    }
    // Updates that arrived before the first fill for items older than it promise nothing.
    const start = this.lowerBound(covered);
    if (start > 0) {
      this.entries = this.entries.slice(start);
      this.revision++;
    }
    this.evict();
  }

  /** The first `limit` items with keys in [from, to]; only meaningful when from ≥ coveredFrom. */
  read(from: number, to: number, limit: number): readonly Cached<T>[] {
    const start = this.lowerBound(from);
    let end = start;
    const max = Math.min(this.entries.length, start + limit);
    while (end < max && this.spec.key(this.entries[end]!.item) <= to) end++;
    return this.entries.slice(start, end);
  }

  /** The last `limit` items (fewer when the window holds fewer). */
  latest(limit: number): readonly Cached<T>[] {
    return this.entries.slice(Math.max(0, this.entries.length - limit));
  }

  private put(item: T): boolean {
    const key = this.spec.key(item);
    const i = this.lowerBound(key);
    const here = this.entries[i];
    if (here && this.spec.key(here.item) === key) {
      if (!this.spec.replaces(item, here.item)) return false;
      this.entries[i] = new Entry(item, this.spec);
    } else {
      if (i === this.entries.length) this.entries.push(new Entry(item, this.spec));
      else this.entries.splice(i, 0, new Entry(item, this.spec));
    }
    this.revision++;
    return true;
  }

  /** Beyond keep + slack, the oldest go; the window then promises from its new first item. */
  private evict(): void {
    if (!this.filled || this.entries.length <= this.keep + this.slack) return;
    this.entries = this.entries.slice(this.entries.length - this.keep);
    this.covered = this.spec.key(this.entries[0]!.item);
    this.revision++;
  }

  /** Index of the first entry whose key is at or after `key`. */
  private lowerBound(key: number): number {
    let lo = 0;
    let hi = this.entries.length;
    // New items arrive at the end: check there first.
    if (hi > 0 && this.spec.key(this.entries[hi - 1]!.item) < key) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.spec.key(this.entries[mid]!.item) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
