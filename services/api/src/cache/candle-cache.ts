import { candleKey, type Candle, type IntervalId } from '@exgate/domain';
import { subjects, type EventBus, type Unsubscribe } from '@exgate/bus';
import { decodeCandle } from '@exgate/proto';
import type { Logger, MetricsRegistry } from '@exgate/runtime';
import { MAX_STORED_TIME_MS, storedCandle, type CandleQuery, type MarketStore } from '@exgate/store';
import { CandleWindow, cached, type CachedCandle } from './candle-window';

export interface CandleCacheSettings {
  /** Candles kept per series after an eviction: at least the routes' largest limit (1500). */
  readonly keep: number;
  /** How far past `keep` a window grows before its oldest candles go. */
  readonly slack: number;
  /** Series held at once; the least recently read one makes room for a new one. */
  readonly maxSeries: number;
  /** How often the series read since the last time are merged again with the store; 0: never. */
  readonly reconcileMs: number;
}

export const DEFAULT_CANDLE_CACHE: CandleCacheSettings = { keep: 1_500, slack: 500, maxSeries: 256, reconcileMs: 10_000 };

export interface CandleCacheDeps {
  readonly store: Pick<MarketStore, 'candles'>;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
}

interface Series {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  readonly window: CandleWindow;
  filling?: Promise<void>;
  /** Read since the last reconciliation. */
  read: boolean;
}

type SeriesKey = Pick<CandleQuery, 'exchange' | 'symbol' | 'interval'>;

/**
 * The recent candles of every series in memory (docs/adr/0011-api-from-memory.md): a window per
 * series, filled from the store on first sight, kept current by the live updates the aggregator
 * publishes after it stores them, and merged with the store again now and then in case an
 * update was lost (NATS core is fire and forget). Older ranges are read from the store and
 * stitched to the window at its boundary, so an answer equals the store's.
 */
export class CandleCache {
  private readonly series = new Map<string, Series>();
  private readonly settings: CandleCacheSettings;
  private ready: Promise<void> | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private background: Promise<void> = Promise.resolve();
  private reconciling = false;
  private closed = false;
  private readonly reads;

  constructor(private readonly deps: CandleCacheDeps, settings: Partial<CandleCacheSettings> = {}) {
    this.settings = { ...DEFAULT_CANDLE_CACHE, ...settings };
    this.reads = deps.metrics?.counter('exgate_api_candle_reads_total', 'Stored-candle reads by where they were answered from: memory, store, or both');
  }

  /** Subscribes to every series' updates; resolves once the bus has the subscription. */
  start(): Promise<void> {
    this.ready ??= (async () => {
      this.unsubscribe = this.deps.events.subscribe(subjects.allCandles, (payload) => this.onUpdate(payload));
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

  /** Stored candles opening in [fromMs, toMs], ascending, the first `limit`: the store's answer. */
  async candles(q: Omit<CandleQuery, 'order'>): Promise<readonly CachedCandle[]> {
    const toMs = Math.min(q.toMs, MAX_STORED_TIME_MS);
    if (q.limit <= 0 || q.fromMs > toMs) return [];
    const query = { ...q, toMs };
    if (this.closed) return this.fromStore(query);
    try {
      await this.held(query);
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message, series: candleKey(q) }, 'candle cache fill failed: reading the store');
      return this.fromStore(query);
    }
    // A window that moved while the store was read (eviction, invalidation) is tried again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = this.series.get(candleKey(q));
      if (!s?.window.filled) break;
      const boundary = s.window.coveredFromMs;
      if (query.fromMs >= boundary) {
        this.reads?.inc({ source: 'memory' });
        return s.window.read(query.fromMs, toMs, query.limit);
      }
      const older = await this.deps.store.candles({ ...query, toMs: Math.min(toMs, boundary - 1) });
      if (older.length === query.limit || toMs < boundary) {
        this.reads?.inc({ source: 'store' });
        return older.map(cached);
      }
      if (this.series.get(candleKey(q)) !== s || s.window.coveredFromMs > boundary) continue;
      this.reads?.inc({ source: 'both' });
      return [...older.map(cached), ...s.window.read(boundary, toMs, query.limit - older.length)];
    }
    return this.fromStore(query);
  }

  /** Forget a series (its stored candles were rewritten without live updates): the next read refills it. */
  invalidate(key: SeriesKey): void {
    this.series.delete(candleKey(key));
  }

  /** Merges every series read since the last call with the store again (recovers lost updates). */
  async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      for (const s of [...this.series.values()]) {
        if (!s.read || !s.window.filled) continue;
        s.read = false;
        await this.refill(s).catch((e: unknown) => {
          this.deps.logger.warn({ err: (e as Error).message, series: candleKey(s) }, 'candle cache reconciliation failed');
        });
      }
    } finally {
      this.reconciling = false;
    }
  }

  /** How many series are held and how many candles (for tests and the benchmark). */
  stats(): { readonly series: number; readonly candles: number } {
    let candles = 0;
    for (const s of this.series.values()) candles += s.window.size;
    return { series: this.series.size, candles };
  }

  private async fromStore(q: CandleQuery): Promise<readonly CachedCandle[]> {
    this.reads?.inc({ source: 'store' });
    return (await this.deps.store.candles(q)).map(cached);
  }

  private onUpdate(payload: Uint8Array): void {
    let candle: Candle;
    try {
      // Spelled as the store spells it, so memory and store answer the same bytes.
      candle = storedCandle(decodeCandle(payload));
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message }, 'candle cache: dropping an unreadable live candle');
      return;
    }
    const key = candleKey(candle);
    let s = this.series.get(key);
    if (!s) {
      // A series first seen on the bus is filled in the background, one at a time.
      if (this.series.size >= this.settings.maxSeries) return;
      s = this.add(key, candle);
      const added = s;
      this.background = this.background.then(() => this.fill(added)).catch((e: unknown) => {
        this.deps.logger.warn({ err: (e as Error).message, series: key }, 'candle cache fill failed');
      });
    }
    s.window.apply(candle);
  }

  /** The series of `q`, filled; the least recently read series makes room. */
  private async held(q: SeriesKey): Promise<void> {
    await this.start();
    const key = candleKey(q);
    let s = this.series.get(key);
    if (s) {
      // Map order is the recency order.
      this.series.delete(key);
      this.series.set(key, s);
    } else {
      if (this.series.size >= this.settings.maxSeries) {
        const oldest = this.series.keys().next();
        if (!oldest.done) this.series.delete(oldest.value);
      }
      s = this.add(key, q);
    }
    s.read = true;
    if (!s.window.filled) await this.fill(s);
  }

  private add(key: string, q: SeriesKey): Series {
    const s: Series = { exchange: q.exchange, symbol: q.symbol, interval: q.interval, window: new CandleWindow(this.settings.keep, this.settings.slack), read: false };
    this.series.set(key, s);
    return s;
  }

  private fill(s: Series): Promise<void> {
    if (s.window.filled) return Promise.resolve();
    s.filling ??= this.refill(s).finally(() => {
      s.filling = undefined;
    });
    return s.filling;
  }

  /** The latest `keep` stored candles, merged by version. */
  private async refill(s: Series): Promise<void> {
    await this.start();
    const keep = this.settings.keep;
    const latest = await this.deps.store.candles({
      exchange: s.exchange, symbol: s.symbol, interval: s.interval, fromMs: 0, toMs: MAX_STORED_TIME_MS, limit: keep, order: 'desc',
    });
    s.window.merge(latest, latest.length < keep);
  }
}
