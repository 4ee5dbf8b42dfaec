import {
  foldCandles, intervalMs, nextOpenTimeMs, openTimeMs, type Candle, type IntervalId, type Trade, type TradeKind,
} from '@exgate/domain';
import { decodeSubscriptionRecord, encodeRecord, scheduleKey, subjects, subscriptionKey, type EventBus, type KeyValueStore } from '@exgate/bus';
import { ExgateError } from '@exgate/errors';
import { EXCHANGES, resolveExchange, type ExchangeAdapter } from '@exgate/exchanges';
import { decodeCandle, decodeTradeBatch } from '@exgate/proto';
import type { Clock, Logger, MetricsRegistry } from '@exgate/runtime';
import { MAX_STORED_TIME_MS, type MarketStore } from '@exgate/store';
import { CandleCache, type CandleCacheSettings } from './cache/candle-cache';
import type { SeriesCacheSettings } from './cache/series-cache';
import { TradeCache } from './cache/trade-cache';
import type { ApiDeps, CandleQuery } from './deps';
import { klineJson, tradeJson } from './mappers';
import { generatedCandles, regenerateCandles } from './history';
import { nativeTzOffsetMs } from './window';

export interface UseCaseDeps {
  readonly store: MarketStore;
  readonly adapters: ReadonlyMap<string, ExchangeAdapter>;
  /** Desired subscriptions, followed by the collector. */
  readonly subscriptions: KeyValueStore;
  /** Scanner schedules, followed by the scheduler. */
  readonly schedules: KeyValueStore;
  readonly events: EventBus;
  /** The print stream collected per exchange (trade or aggTrade). */
  readonly kindOf: (exchange: string) => TradeKind;
  readonly ready: () => Promise<Readonly<Record<string, boolean>>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** The recent candles of every series in memory (docs/adr/0011); false reads the store every time. */
  readonly candleCache?: Partial<CandleCacheSettings> | false;
  /** The newest prints of every stream in memory, for `recent`; false reads the store every time. */
  readonly tradeCache?: Partial<SeriesCacheSettings> | false;
}

/** How long the list of collected symbols is reused. */
const COLLECTED_TTL_MS = 5_000;
/** Candles of this length are the base for time-zone shifted days: every offset is a multiple. */
const TZ_BASE: IntervalId = '15m';

/** Where the exchange's own days start for `interval` (its candle policy), 0 when it moves nothing. */
function nativeOffset(exchange: string, interval: IntervalId): number {
  const info = resolveExchange(exchange)?.info;
  return info ? nativeTzOffsetMs(info, interval) : 0;
}

/** The API's use cases over the real store, bus and exchanges. */
export function createApiDeps(d: UseCaseDeps): ApiDeps {
  const adapter = (exchange: string): ExchangeAdapter => {
    const a = d.adapters.get(exchange);
    if (!a) throw new ExgateError('UNKNOWN_EXCHANGE', `exchange ${exchange} is not enabled here`);
    return a;
  };

  const cache = d.candleCache === false ? undefined : new CandleCache(d, d.candleCache);
  const tradeCache = d.tradeCache === false ? undefined : new TradeCache(d, d.tradeCache);
  for (const c of [cache, tradeCache]) {
    void c?.start().catch((e: unknown) => d.logger.warn({ err: (e as Error).message }, 'API cache: live updates unavailable'));
  }

  async function recent(exchange: string, symbol: string, limit: number): Promise<readonly Trade[]> {
    const kind = d.kindOf(exchange);
    const local = tradeCache
      ? (await tradeCache.recent(exchange, symbol, kind, limit)).map((e) => e.item)
      : await d.store.trades({ exchange, symbol, kind, limit, order: 'desc' });
    // A symbol exgate does not collect is answered by the exchange itself.
    return local.length > 0 ? local : adapter(exchange).rest.recentTrades(symbol, limit);
  }

  async function stored(q: CandleQuery): Promise<readonly Candle[]> {
    if (q.tzOffsetMs === nativeOffset(q.exchange, q.interval)) {
      return cache ? (await cache.candles(q)).map((e) => e.item) : d.store.candles({ ...q });
    }
    return folded(q);
  }

  async function storedBody(q: CandleQuery): Promise<Uint8Array> {
    if (cache && q.tzOffsetMs === nativeOffset(q.exchange, q.interval)) return cache.klineBody(q);
    return Buffer.from(JSON.stringify({ kline: (await stored(q)).map(klineJson) }));
  }

  async function folded(q: CandleQuery): Promise<readonly Candle[]> {
    // Days that start at another offset are folds of the stored 15m candles.
    // Nothing opens after the last time the store can hold.
    if (q.fromMs > MAX_STORED_TIME_MS) return [];
    const lastOpen = Math.min(q.toMs, MAX_STORED_TIME_MS, q.fromMs + q.limit * (intervalMs(q.interval) ?? 31 * 86_400_000));
    const parts = await d.store.candles({
      exchange: q.exchange, symbol: q.symbol, interval: TZ_BASE, fromMs: q.fromMs,
      toMs: Math.min(MAX_STORED_TIME_MS, nextOpenTimeMs(q.interval, openTimeMs(q.interval, lastOpen, q.tzOffsetMs), q.tzOffsetMs) - 1), limit: 1_000_000,
    });
    return foldCandles(parts, q.interval, { tzOffsetMs: q.tzOffsetMs })
      .filter((c) => c.openTimeMs >= q.fromMs && c.openTimeMs <= q.toMs)
      .slice(0, q.limit);
  }

  // Which symbols are collected changes rarely, and the dialects ask on every request.
  let collected: { readonly atMs: number; readonly symbols: Promise<Map<string, string[]>> } | undefined;
  function collectedSymbols(): Promise<Map<string, string[]>> {
    const now = d.clock.nowMs();
    if (collected && now - collected.atMs < COLLECTED_TTL_MS && now >= collected.atMs) return collected.symbols;
    const symbols = (async () => {
      const [streams, pulls] = await Promise.all([d.store.streams(), d.subscriptions.entries()]);
      const byExchange = new Map<string, Set<string>>();
      const add = (exchange: string, symbol: string) => byExchange.set(exchange, (byExchange.get(exchange) ?? new Set()).add(symbol));
      for (const s of streams) add(s.exchange, s.symbol);
      for (const value of pulls.values()) {
        const r = decodeSubscriptionRecord(value);
        if (r) add(r.exchange, r.symbol);
      }
      return new Map([...byExchange].map(([exchange, set]) => [exchange, [...set].sort()]));
    })();
    collected = { atMs: now, symbols };
    // A failed read is not remembered.
    symbols.catch(() => {
      if (collected?.symbols === symbols) collected = undefined;
    });
    return symbols;
  }

  return {
    exchanges: {
      list: () => EXCHANGES.filter((m) => d.adapters.has(m.info.id)).map((m) => m.info),
      // The adapter's info: it carries the print stream configured for this exgate.
      resolve: (name) => {
        const m = resolveExchange(name);
        return m ? d.adapters.get(m.info.id)?.info : undefined;
      },
    },
    symbols: {
      exists: (exchange, symbol) => adapter(exchange).rest.hasSymbol(symbol),
      async collected(exchange) {
        return (await collectedSymbols()).get(exchange) ?? [];
      },
    },
    subscriptions: {
      async pull(exchange, symbol, interval) {
        const key = subscriptionKey(exchange, symbol);
        if ((await d.subscriptions.get(key)) !== undefined) return 'already';
        await d.subscriptions.put(key, encodeRecord({ exchange, symbol, interval, sinceMs: d.clock.nowMs() }));
        return 'started';
      },
      async stop(exchange, symbol) {
        return (await d.subscriptions.delete(subscriptionKey(exchange, symbol))) ? 'stopped' : 'not_pulled';
      },
      async list() {
        // A record this version cannot read is the collector's to report; here it is just not listed.
        return [...(await d.subscriptions.entries()).values()].flatMap((value) => {
          const r = decodeSubscriptionRecord(value);
          return r ? [{ exchange: r.exchange, symbol: r.symbol }] : [];
        });
      },
    },
    candles: {
      stored,
      storedBody,
      generated: (q) => generatedCandles(d, q),
      async proxied(q) {
        if (q.tzOffsetMs !== nativeOffset(q.exchange, q.interval)) {
          throw new ExgateError('INVALID_ARGUMENT', `${q.exchange} klines have no time-zone parameter; use exgate/kline or genkline with timeZone`);
        }
        return adapter(q.exchange).rest.klines({
          symbol: q.symbol, interval: q.interval, limit: q.limit,
          ...(q.startTimeMs === undefined ? {} : { startTimeMs: q.startTimeMs }),
          ...(q.endTimeMs === undefined ? {} : { endTimeMs: q.endTimeMs }),
        });
      },
    },
    trades: {
      recent,
      async recentBody(exchange, symbol, limit) {
        const local = tradeCache ? await tradeCache.recentBody(exchange, symbol, d.kindOf(exchange), limit) : undefined;
        if (local && !local.empty) return local.bytes;
        // Nothing stored (the exchange answers), or no cache.
        const trades = local ? await adapter(exchange).rest.recentTrades(symbol, limit) : await recent(exchange, symbol, limit);
        return Buffer.from(JSON.stringify({ trade: trades.map(tradeJson) }));
      },
      range: (q) =>
        d.store.trades({
          exchange: q.exchange, symbol: q.symbol, kind: d.kindOf(q.exchange), limit: q.limit, order: 'asc',
          ...(q.fromId === undefined ? {} : { fromId: q.fromId }),
          ...(q.fromMs === undefined ? {} : { fromMs: q.fromMs }),
          ...(q.toMs === undefined ? {} : { toMs: q.toMs }),
        }),
    },
    scanner: {
      async regenerate(exchange, symbol, interval) {
        try {
          return await regenerateCandles(d, exchange, symbol, interval);
        } finally {
          // Rebuilt candles are written without live updates: the next read refills the series.
          cache?.invalidateSeries({ exchange, symbol, interval });
        }
      },
      async schedule(exchange, spec) {
        const schedule = spec.spec;
        const key = scheduleKey(exchange, schedule);
        if ((await d.schedules.get(key)) !== undefined) return { created: false };
        await d.schedules.put(key, encodeRecord({ exchange, schedule, sinceMs: d.clock.nowMs() }));
        return { created: true };
      },
    },
    live: {
      subscribe(exchange, symbol, interval, onCandle) {
        return d.events.subscribe(subjects.candle(exchange, symbol, interval), (payload) => {
          try {
            onCandle(decodeCandle(payload));
          } catch (e) {
            d.logger.warn({ err: (e as Error).message }, 'dropping an unreadable live candle');
          }
        });
      },
      trades(exchange, symbol, onTrades) {
        return d.events.subscribe(subjects.trades(exchange, symbol), (payload) => {
          let trades: readonly Trade[];
          try {
            trades = decodeTradeBatch(payload).trades;
          } catch (e) {
            d.logger.warn({ err: (e as Error).message }, 'dropping unreadable live trades');
            return;
          }
          onTrades(trades);
        });
      },
    },
    health: {
      async ready() {
        const checks = await d.ready();
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    },
    clock: d.clock,
    logger: d.logger,
    metrics: d.metrics,
    close() {
      cache?.close();
      tradeCache?.close();
    },
  };
}
