import type { Trade, TradeKind } from '@exgate/domain';
import { decodeTradeBatch } from '@exgate/proto';
import { storedTrade, type StreamRef } from '@exgate/store';
import { tradeJson } from '../mappers';
import type { CacheDeps } from './candle-cache';
import type { Cached } from './recent-window';
import { SeriesCache, type SeriesCacheSettings } from './series-cache';

/** 1,000: `recent`'s largest limit. */
export const DEFAULT_TRADE_CACHE: SeriesCacheSettings = { keep: 1_000, slack: 500, maxSeries: 256, reconcileMs: 10_000 };

/** Every stream's live prints: `exgate.trades.{exchange}.{symbol}`. */
const ALL_TRADES = 'exgate.trades.>';

const streamKey = (s: StreamRef) => `${s.exchange}:${s.symbol}:${s.kind}`;

/**
 * The newest prints of every stream in memory, for `recent` (docs/adr/0011-api-from-memory.md):
 * filled from the store, then kept current by the live prints the aggregator publishes once it
 * has stored them. A print never changes, so the first copy of an id stays.
 */
export class TradeCache extends SeriesCache<Trade, StreamRef> {
  private readonly reads;
  private readonly store: CacheDeps['store'];

  constructor(deps: CacheDeps, settings: Partial<SeriesCacheSettings> = {}) {
    super({
      name: 'trade',
      subject: ALL_TRADES,
      key: (t) => t.id,
      replaces: () => false,
      json: (t) => JSON.stringify(tradeJson(t)),
      decode(payload) {
        const batch = decodeTradeBatch(payload);
        const ref = { exchange: batch.exchange, symbol: batch.symbol, kind: batch.kind };
        // Spelled as the store spells it, so memory and store answer the same bytes.
        return { key: streamKey(ref), ref, items: batch.trades.map(storedTrade) };
      },
      latest: (ref, limit) => deps.store.trades({ ...ref, limit, order: 'desc' }),
    }, deps, { ...DEFAULT_TRADE_CACHE, ...settings });
    this.store = deps.store;
    this.reads = deps.metrics?.counter('exgate_api_trade_reads_total', 'Recent-trade reads by where they were answered from: memory or store');
  }

  /** The newest `limit` prints of the stream, ascending by id: the store's answer. */
  async recent(exchange: string, symbol: string, kind: TradeKind, limit: number): Promise<readonly Cached<Trade>[]> {
    const ref = { exchange, symbol, kind };
    if (limit <= 0) return [];
    if (!this.closed && limit <= this.settings.keep) {
      try {
        const { window } = await this.held(streamKey(ref), ref);
        // Every stored print from coveredFrom on is here: the newest `limit` are, if that many are here.
        if (window.size >= limit || window.complete) {
          this.reads?.inc({ source: 'memory' });
          return window.latest(limit);
        }
      } catch (e) {
        this.log.warn({ err: (e as Error).message, stream: streamKey(ref) }, 'trade cache fill failed: reading the store');
      }
    }
    this.reads?.inc({ source: 'store' });
    return (await this.store.trades({ ...ref, limit, order: 'desc' })).map((t) => ({ item: t, json: JSON.stringify(tradeJson(t)) }));
  }

  /** `recent`'s whole body, `{"trade":[...]}`; memoised while the window is unchanged. */
  async recentBody(exchange: string, symbol: string, kind: TradeKind, limit: number): Promise<{ readonly bytes: Buffer; readonly empty: boolean }> {
    const key = streamKey({ exchange, symbol, kind });
    const request = String(limit);
    const memo = this.memo(key, request);
    if (memo) {
      this.reads?.inc({ source: 'memory' });
      return { bytes: memo, empty: false };
    }
    const s = this.peek(key);
    const revision = s?.window.revision;
    const trades = await this.recent(exchange, symbol, kind, limit);
    const bytes = Buffer.from(`{"trade":[${trades.map((t) => t.json).join(',')}]}`);
    const fromWindow = s !== undefined && s.window.filled && (s.window.size >= limit || s.window.complete);
    if (trades.length > 0 && fromWindow && revision !== undefined) this.remember(key, s, revision, request, bytes);
    return { bytes, empty: trades.length === 0 };
  }
}
