import type { EventBus, Unsubscribe } from '@exgate/bus';
import type { Logger } from '@exgate/runtime';
import { RecentWindow, type WindowSpec } from './recent-window';

export interface SeriesCacheSettings {
  /** Items kept per series after an eviction: at least the routes' largest limit. */
  readonly keep: number;
  /** How far past `keep` a window grows before its oldest items go. */
  readonly slack: number;
  /** Series held at once; the least recently read one makes room for a new one. */
  readonly maxSeries: number;
  /** How often the series read since the last time are merged again with the store; 0: never. */
  readonly reconcileMs: number;
}

/** What a cache of one kind (candles, prints) plugs in. */
export interface SeriesSource<T, Ref> extends WindowSpec<T> {
  /** What it is, for logs. */
  readonly name: string;
  /** The bus subject (a wildcard) carrying the live updates of every series. */
  readonly subject: string;
  /** A message → the series it belongs to and its items; throws when unreadable. */
  decode(payload: Uint8Array): { readonly key: string; readonly ref: Ref; readonly items: readonly T[] } | undefined;
  /** The store's latest `limit` items of a series, ascending. */
  latest(ref: Ref, limit: number): Promise<readonly T[]>;
}

/** Whole /v1 bodies memoised per series, by request; valid while the window's revision holds. */
const BODIES_PER_SERIES = 8;

export interface Series<T, Ref> {
  readonly ref: Ref;
  readonly window: RecentWindow<T>;
  filling?: Promise<void>;
  /** Read since the last reconciliation. */
  read: boolean;
  readonly bodies: Map<string, { readonly revision: number; readonly bytes: Buffer }>;
}

/**
 * Windows of recent items per series (docs/adr/0011-api-from-memory.md), filled from the store on
 * first sight, kept current by the live updates that are published after the store has them,
 * and merged with the store again now and then for the series being read, in case an update was
 * lost (NATS core is fire and forget).
 */
export class SeriesCache<T, Ref> {
  private readonly series = new Map<string, Series<T, Ref>>();
  private ready: Promise<void> | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private background: Promise<void> = Promise.resolve();
  private reconciling = false;
  closed = false;

  protected readonly log: Logger;

  constructor(
    private readonly source: SeriesSource<T, Ref>,
    private readonly deps: { readonly events: EventBus; readonly logger: Logger },
    readonly settings: SeriesCacheSettings,
  ) {
    this.log = deps.logger;
  }

  /** Subscribes to every series' updates; resolves once the bus has the subscription. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      this.unsubscribe = this.deps.events.subscribe(this.source.subject, (payload) => this.onUpdate(payload));
      if (this.settings.reconcileMs > 0) {
        this.timer = setInterval(() => void this.reconcile(), this.settings.reconcileMs);
        this.timer.unref();
      }
      // A subscription the server does not have yet would miss what a fill does not see.
      await this.deps.events.flush();
    })();
    return this.ready;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.series.clear();
  }

  /** The series, without filling it or counting a read (undefined when not held). */
  peek(key: string): Series<T, Ref> | undefined {
    return this.series.get(key);
  }

  /** The series, filled and counted as read; the least recently read series makes room. */
  async held(key: string, ref: Ref): Promise<Series<T, Ref>> {
    await this.start();
    let s = this.series.get(key);
    if (s) {
      this.touch(key, s);
    } else {
      if (this.series.size >= this.settings.maxSeries) {
        const oldest = this.series.keys().next();
        if (!oldest.done) this.series.delete(oldest.value);
      }
      s = this.add(key, ref);
      s.read = true;
    }
    if (!s.window.filled) await this.fill(s);
    return s;
  }

  /** Counts a read of a held series (recency, reconciliation). */
  touch(key: string, s: Series<T, Ref>): void {
    // Map order is the recency order.
    this.series.delete(key);
    this.series.set(key, s);
    s.read = true;
  }

  /** The memoised body of `request`, when the window has not changed since it was made. */
  memo(key: string, request: string): Buffer | undefined {
    const s = this.series.get(key);
    const body = s?.bodies.get(request);
    if (!s || !body || body.revision !== s.window.revision) return undefined;
    this.touch(key, s);
    return body.bytes;
  }

  /** Keeps a body made from `s`'s window alone at `revision` (read before the body was made). */
  remember(key: string, s: Series<T, Ref>, revision: number, request: string, bytes: Buffer): void {
    if (this.series.get(key) !== s) return;
    if (s.bodies.size >= BODIES_PER_SERIES) s.bodies.delete(s.bodies.keys().next().value!);
    s.bodies.set(request, { revision, bytes });
  }

  /** Forget a series (its stored items were rewritten without live updates): the next read refills it. */
  invalidate(key: string): void {
    this.series.delete(key);
  }

  /** Merges every series read since the last call with the store again (recovers lost updates). */
  async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      for (const [key, s] of [...this.series]) {
        if (!s.read || !s.window.filled) continue;
        s.read = false;
        await this.refill(s).catch((e: unknown) => {
          this.deps.logger.warn({ err: (e as Error).message, series: key }, `${this.source.name} cache reconciliation failed`);
        });
      }
    } finally {
      this.reconciling = false;
    }
  }

  /** How many series are held and how many items (tests, the benchmark). */
  stats(): { readonly series: number; readonly items: number } {
    let items = 0;
    for (const s of this.series.values()) items += s.window.size;
    return { series: this.series.size, items };
  }

  private onUpdate(payload: Uint8Array): void {
    let update;
    try {
      update = this.source.decode(payload);
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message }, `${this.source.name} cache: dropping an unreadable live update`);
      return;
    }
    if (!update) return;
    let s = this.series.get(update.key);
    if (!s) {
      // A series first seen on the bus is filled in the background, one at a time.
      if (this.series.size >= this.settings.maxSeries) return;
      const added = this.add(update.key, update.ref);
      s = added;
      this.background = this.background.then(() => this.fill(added)).catch((e: unknown) => {
        this.deps.logger.warn({ err: (e as Error).message, series: update.key }, `${this.source.name} cache fill failed`);
      });
    }
    for (const item of update.items) s.window.apply(item);
  }

  private add(key: string, ref: Ref): Series<T, Ref> {
    const s: Series<T, Ref> = {
      ref, window: new RecentWindow(this.source, this.settings.keep, this.settings.slack), read: false, bodies: new Map(),
    };
    this.series.set(key, s);
    return s;
  }

  private fill(s: Series<T, Ref>): Promise<void> {
    if (s.window.filled) return Promise.resolve();
    s.filling ??= this.refill(s).finally(() => {
      s.filling = undefined;
    });
    return s.filling;
  }

  /** The latest `keep` stored items, merged. */
  private async refill(s: Series<T, Ref>): Promise<void> {
    await this.start();
    const latest = await this.source.latest(s.ref, this.settings.keep);
    s.window.merge(latest, latest.length < this.settings.keep);
  }
}
