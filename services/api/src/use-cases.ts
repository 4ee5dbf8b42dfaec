import {
  buildCandles, closeTimeMs, compareDecimalStrings, foldCandles, intervalMs, nextOpenTimeMs, openTimeMs,
  type Candle, type IntervalId, type Trade, type TradeKind,
} from '@exgate/domain';
import { decodeSubscriptionRecord, encodeRecord, scheduleKey, subjects, subscriptionKey, type EventBus, type KeyValueStore } from '@exgate/bus';
import { ExgateError } from '@exgate/errors';
import { EXCHANGES, resolveExchange, type ExchangeAdapter } from '@exgate/exchanges';
import { decodeCandle, decodeTradeBatch } from '@exgate/proto';
import type { Clock, Logger, MetricsRegistry } from '@exgate/runtime';
import type { MarketStore } from '@exgate/store';
import type { ApiDeps, CandleQuery } from './deps';
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
}

/** Trades read per page when a whole stream is rebuilt. */
const PAGE = 50_000;
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

  async function generated(q: CandleQuery): Promise<Candle[]> {
    const kind = d.kindOf(q.exchange);
    const endMs = closeTimeMs(q.interval, openTimeMs(q.interval, q.toMs, q.tzOffsetMs), q.tzOffsetMs);
    const trades = await d.store.trades({ exchange: q.exchange, symbol: q.symbol, kind, fromMs: q.fromMs, toMs: endMs, limit: 5_000_000, order: 'asc' });
    const first = trades[0];
    if (!first) return [];
    // The window is complete from its start when the print before it is the id just before.
    const before = await d.store.trades({ exchange: q.exchange, symbol: q.symbol, kind, toMs: q.fromMs - 1, limit: 1, order: 'desc' });
    const contiguous = before[0]?.id === first.id - 1;
    // Time is known to have passed only up to the last stored print: running on to "now" would
    // invent flat candles for time nobody watched. The bucket of that print stays forming.
    const candles = buildCandles(trades, q.interval, {
      tzOffsetMs: q.tzOffsetMs,
      ...(contiguous ? { coveredFromMs: openTimeMs(q.interval, q.fromMs, q.tzOffsetMs) } : {}),
    });
    return candles.filter((c) => c.openTimeMs >= q.fromMs && c.openTimeMs <= q.toMs).slice(0, q.limit);
  }

  async function stored(q: CandleQuery): Promise<readonly Candle[]> {
    // Stored candles are laid out as the exchange lays out its own.
    if (q.tzOffsetMs === nativeOffset(q.exchange, q.interval)) return d.store.candles({ ...q });
    // Days that start at another offset are folds of the stored 15m candles.
    const lastOpen = Math.min(q.toMs, q.fromMs + q.limit * (intervalMs(q.interval) ?? 31 * 86_400_000));
    const parts = await d.store.candles({
      exchange: q.exchange, symbol: q.symbol, interval: TZ_BASE, fromMs: q.fromMs,
      toMs: nextOpenTimeMs(q.interval, openTimeMs(q.interval, lastOpen, q.tzOffsetMs), q.tzOffsetMs) - 1, limit: 1_000_000,
    });
    return foldCandles(parts, q.interval, { tzOffsetMs: q.tzOffsetMs })
      .filter((c) => c.openTimeMs >= q.fromMs && c.openTimeMs <= q.toMs)
      .slice(0, q.limit);
  }

  async function allTrades(exchange: string, symbol: string): Promise<Trade[]> {
    const kind = d.kindOf(exchange);
    const all: Trade[] = [];
    let fromMs: number | undefined;
    for (;;) {
      const page = await d.store.trades({ exchange, symbol, kind, ...(fromMs === undefined ? {} : { fromMs }), limit: PAGE, order: 'asc' });
      const lastId = all[all.length - 1]?.id ?? -1;
      const fresh = page.filter((t) => t.id > lastId);
      all.push(...fresh);
      if (page.length < PAGE || fresh.length === 0) return all;
      fromMs = page[page.length - 1]!.exchangeTimeMs;
    }
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
      generated,
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
      async recent(exchange, symbol, limit) {
        const kind = d.kindOf(exchange);
        const local = await d.store.trades({ exchange, symbol, kind, limit, order: 'desc' });
        // A symbol exgate does not collect is answered by the exchange itself.
        return local.length > 0 ? local : adapter(exchange).rest.recentTrades(symbol, limit);
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
        const trades = await allTrades(exchange, symbol);
        const first = trades[0];
        if (!first) return { candles: 0, trades: 0, fromMs: null, toMs: null };
        // Only buckets the stored prints close are rebuilt: the last one is the aggregator's.
        const rebuilt = buildCandles(trades, interval).filter((c) => c.state !== 'forming');
        const last = rebuilt[rebuilt.length - 1];
        if (!last) return { candles: 0, trades: trades.length, fromMs: null, toMs: null };
        const current = await d.store.candles({ exchange, symbol, interval, fromMs: rebuilt[0]!.openTimeMs, toMs: last.openTimeMs, limit: rebuilt.length + 1 });
        const byOpen = new Map(current.map((c) => [c.openTimeMs, c]));
        const changed = rebuilt.flatMap((c) => {
          const old = byOpen.get(c.openTimeMs);
          if (old && sameKline(old, c)) return [];
          // A newer version than anything stored, so the rebuilt candle wins.
          const version = (old?.version ?? 0) + 1;
          return [{ ...c, version, state: old && old.state !== 'forming' && c.state !== 'forming' ? 'corrected' as const : c.state }];
        });
        if (changed.length > 0) await d.store.upsertCandles(changed);
        d.logger.info({ exchange, symbol, interval, trades: trades.length, candles: rebuilt.length, changed: changed.length }, 'regenerated candles');
        return { candles: changed.length, trades: trades.length, fromMs: rebuilt[0]!.openTimeMs, toMs: last.openTimeMs };
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
  };
}

const DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/** Equal as klines: decimals compared by value (the store returns them in shortest form). */
function sameKline(a: Candle, b: Candle): boolean {
  return (
    DECIMALS.every((f) => compareDecimalStrings(a[f], b[f]) === 0) && a.tradeCount === b.tradeCount &&
    a.firstTradeId === b.firstTradeId && a.lastTradeId === b.lastTradeId && a.gapFree === b.gapFree
  );
}
