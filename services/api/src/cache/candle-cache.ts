import { candleKey, type Candle } from '@exgate/domain';
import { subjects, type EventBus } from '@exgate/bus';
import { decodeCandle } from '@exgate/proto';
import type { Logger, MetricsRegistry } from '@exgate/runtime';
import { MAX_STORED_TIME_MS, storedCandle, type CandleQuery, type MarketStore } from '@exgate/store';
import { klineJson } from '../mappers';
import type { Cached } from './recent-window';
import { SeriesCache, type SeriesCacheSettings } from './series-cache';

export type CandleCacheSettings = SeriesCacheSettings;

/** 1,500: the routes' largest limit, so any answer of the latest candles fits in the window. */
export const DEFAULT_CANDLE_CACHE: CandleCacheSettings = { keep: 1_500, slack: 500, maxSeries: 256, reconcileMs: 10_000 };

export interface CacheDeps {
  readonly store: Pick<MarketStore, 'candles' | 'trades'>;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly metrics?: MetricsRegistry;
}

type SeriesRef = Pick<CandleQuery, 'exchange' | 'symbol' | 'interval'>;
type Query = Omit<CandleQuery, 'order'>;

/**
 * Whether `next` is a later state of the `held` candle. A higher version is; a forming candle keeps
 * its version (0) while prints come in, so between equal versions the one with more prints is, and
 * with as many, the one a gap has marked (gap_free only ever turns false). The store keeps the
 * last row written among equal versions, which in the aggregator's order is that same one.
 */
export function newerCandle(next: Candle, held: Candle): boolean {
  if (next.version !== held.version) return next.version > held.version;
  if (next.tradeCount !== held.tradeCount) return next.tradeCount > held.tradeCount;
  return held.gapFree && !next.gapFree;
}

export const cachedCandle = (candle: Candle): Cached<Candle> => ({ item: candle, json: JSON.stringify(klineJson(candle)) });

/**
 * Stored candles from memory (docs/adr/0011-api-from-memory.md): the latest candles of every
 * series, the highest version of each. Older ranges are read from the store and stitched to the
 * window at its boundary, so an answer equals the store's, byte for byte.
 */
export class CandleCache extends SeriesCache<Candle, SeriesRef> {
  private readonly reads;
  private readonly store: CacheDeps['store'];

  constructor(deps: CacheDeps, settings: Partial<CandleCacheSettings> = {}) {
    super({
      name: 'candle',
      subject: subjects.allCandles,
      key: (c) => c.openTimeMs,
      replaces: newerCandle,
      json: (c) => JSON.stringify(klineJson(c)),
      decode(payload) {
        // Spelled as the store spells it, so memory and store answer the same bytes.
        const candle = storedCandle(decodeCandle(payload));
        return { key: candleKey(candle), ref: candle, items: [candle] };
      },
      latest: (ref, limit) => deps.store.candles({ ...seriesRef(ref), fromMs: 0, toMs: MAX_STORED_TIME_MS, limit, order: 'desc' }),
    }, deps, { ...DEFAULT_CANDLE_CACHE, ...settings });
    this.store = deps.store;
    this.reads = deps.metrics?.counter('exgate_api_candle_reads_total', 'Stored-candle reads by where they were answered from: memory, store, or both');
  }

  /** Forget a series (its stored candles were rewritten without live updates): the next read refills it. */
  invalidateSeries(ref: SeriesRef): void {
    this.invalidate(candleKey(ref));
  }

  /** Stored candles opening in [fromMs, toMs], ascending, the first `limit`: the store's answer. */
  async candles(q: Query): Promise<readonly Cached<Candle>[]> {
    const toMs = Math.min(q.toMs, MAX_STORED_TIME_MS);
    if (q.limit <= 0 || q.fromMs > toMs) return [];
    const query = { ...seriesRef(q), fromMs: q.fromMs, toMs, limit: q.limit };
    const key = candleKey(q);
    if (this.closed) return this.fromStore(query);
    try {
      await this.held(key, seriesRef(q));
    } catch (e) {
      this.log.warn({ err: (e as Error).message, series: key }, 'candle cache fill failed: reading the store');
      return this.fromStore(query);
    }
    // A window that moved while the store was read (eviction, invalidation) is tried again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const s = this.peek(key);
      if (!s?.window.filled) break;
      const boundary = s.window.coveredFrom;
      if (query.fromMs >= boundary) {
        this.reads?.inc({ source: 'memory' });
        return s.window.read(query.fromMs, toMs, query.limit);
      }
      const older = await this.store.candles({ ...query, toMs: Math.min(toMs, boundary - 1) });
      if (older.length === query.limit || toMs < boundary) {
        this.reads?.inc({ source: 'store' });
        return older.map(cachedCandle);
      }
      if (this.peek(key) !== s || s.window.coveredFrom > boundary) continue;
      this.reads?.inc({ source: 'both' });
      return [...older.map(cachedCandle), ...s.window.read(boundary, toMs, query.limit - older.length)];
    }
    return this.fromStore(query);
  }

  /**
   * The stored-candle route's whole body, `{"kline":[...]}`, as UTF-8 bytes. An answer the window
   * holds entirely is memoised until the window changes: a repeated request costs a lookup.
   */
  async klineBody(q: Query): Promise<Buffer> {
    const key = candleKey(q);
    const request = `${q.fromMs}:${q.toMs}:${q.limit}`;
    const memo = this.memo(key, request);
    if (memo) {
      this.reads?.inc({ source: 'memory' });
      return memo;
    }
    // Tagged with the revision before the read: a change in between leaves the memo unmatched, never stale.
    const s = this.peek(key);
    const revision = s?.window.revision;
    const candles = await this.candles(q);
    const bytes = Buffer.from(`{"kline":[${candles.map((c) => c.json).join(',')}]}`);
    if (s && revision !== undefined && s.window.filled && q.fromMs >= s.window.coveredFrom) this.remember(key, s, revision, request, bytes);
    return bytes;
  }

  private async fromStore(q: CandleQuery): Promise<readonly Cached<Candle>[]> {
    this.reads?.inc({ source: 'store' });
    return (await this.store.candles(q)).map(cachedCandle);
  }
}

function seriesRef(q: SeriesRef): SeriesRef {
  return { exchange: q.exchange, symbol: q.symbol, interval: q.interval };
}
