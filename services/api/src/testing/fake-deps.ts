import { UTC_CANDLES, type Candle, type IntervalId, type Kline, type Trade } from '@exgate/domain';
import { concatenated, type ExchangeInfo } from '@exgate/exchanges';
import { ManualClock, MetricsRegistry, silentLogger } from '@exgate/runtime';
import type { ApiDeps, CandleQuery, ProxyKlineQuery, ScheduleSpec } from '../deps';
import { klineJson, tradeJson } from '../mappers';

/**
 * An in-memory ApiDeps for the API's tests: real behaviour (pulls persist, stop of an unpulled
 * symbol says so, queries filter by window and limit) without a store, bus or exchange.
 */
export const FUTURES: ExchangeInfo = {
  id: 'binance-usdm',
  aliases: ['fbinance'],
  displayName: 'Binance USDⓈ-M futures',
  intervals: ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'],
  tradeKind: 'aggTrade',
  tradeKinds: ['aggTrade', 'trade'],
  symbolPattern: /^[A-Z0-9]{2,20}$/,
  spelling: concatenated('perp'),
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' },
  candlePolicy: UTC_CANDLES,
  limits: { backfillPageSize: 1000, klinesPerCall: 1500, recentTradesPerCall: 1000 },
};

export const SPOT: ExchangeInfo = {
  id: 'binance-spot',
  aliases: [],
  displayName: 'Binance spot',
  intervals: ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'],
  tradeKind: 'trade',
  tradeKinds: ['trade'],
  symbolPattern: /^[A-Z0-9]{2,20}$/,
  spelling: concatenated('spot'),
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' },
  candlePolicy: UTC_CANDLES,
  limits: { backfillPageSize: 1000, klinesPerCall: 1000, recentTradesPerCall: 1000 },
};

/** 2024-07-18T00:00:00Z, the day of the fixture capture. */
export const T0 = 1_721_260_800_000;

export function candle(interval: IntervalId, openTimeMs: number, overrides: Partial<Candle> = {}): Candle {
  return {
    exchange: FUTURES.id,
    symbol: 'BTCUSDT',
    interval,
    openTimeMs,
    closeTimeMs: openTimeMs + 60_000 - 1,
    open: '64210.10',
    high: '64250.00',
    low: '64190.50',
    close: '64233.20',
    volume: '12.345',
    quoteVolume: '792838.1234',
    takerBuyVolume: '6.001',
    takerBuyQuoteVolume: '385400.5',
    tradeCount: 321,
    firstTradeId: 5_000_000_001,
    lastTradeId: 5_000_000_321,
    gapFree: true,
    state: 'closed',
    version: 1,
    ...overrides,
  };
}

export function trade(id: number, exchangeTimeMs: number): Trade {
  return {
    exchange: FUTURES.id,
    symbol: 'BTCUSDT',
    kind: 'aggTrade',
    id,
    firstTradeId: id * 2,
    lastTradeId: id * 2 + 1,
    price: '64210.10',
    qty: '0.003',
    isBuyerMaker: id % 2 === 0,
    market: true,
    exchangeTimeMs,
    eventTimeMs: exchangeTimeMs + 5,
    receivedAtMs: exchangeTimeMs + 40,
  };
}

export interface FakeDeps extends ApiDeps {
  readonly clock: ManualClock;
  readonly metrics: MetricsRegistry;
  readonly calls: {
    stored: CandleQuery[];
    generated: CandleQuery[];
    proxied: ProxyKlineQuery[];
    schedules: Array<{ exchange: string; spec: ScheduleSpec }>;
    recent: Array<{ exchange: string; symbol: string; limit: number }>;
  };
  readonly pulled: Set<string>;
  /** Candles pushed to every live subscriber of the series `exchange:symbol:interval`. */
  emit(series: string, candle: Candle): void;
  liveSubscribers(series: string): number;
  ready: boolean;
}

export function fakeDeps(options: { stored?: Candle[]; listed?: string[] } = {}): FakeDeps {
  const stored = options.stored ?? [0, 1, 2, 3, 4].map((i) => candle('1m', T0 + i * 60_000));
  const listed = new Set(options.listed ?? ['BTCUSDT', 'ETHUSDT']);
  const pulled = new Set<string>();
  const schedules = new Set<string>();
  const live = new Map<string, Set<(c: Candle) => void>>();
  const calls: FakeDeps['calls'] = { stored: [], generated: [], proxied: [], schedules: [], recent: [] };
  const inWindow = (q: CandleQuery) =>
    stored
      .filter((c) => c.symbol === q.symbol && c.interval === q.interval)
      .filter((c) => c.openTimeMs >= q.fromMs && c.openTimeMs <= q.toMs)
      .slice(0, q.limit);

  const deps: FakeDeps = {
    exchanges: {
      list: () => [FUTURES, SPOT],
      resolve: (name) => [FUTURES, SPOT].find((e) => e.id === name || e.aliases.includes(name)),
    },
    symbols: {
      exists: async (_exchange, symbol) => listed.has(symbol),
      collected: async () => [...listed].sort(),
    },
    subscriptions: {
      pull: async (exchange, symbol) => {
        const key = `${exchange}:${symbol}`;
        if (pulled.has(key)) return 'already';
        pulled.add(key);
        return 'started';
      },
      stop: async (exchange, symbol) => (pulled.delete(`${exchange}:${symbol}`) ? 'stopped' : 'not_pulled'),
      list: async () => [...pulled].map((key) => {
        const [exchange = '', symbol = ''] = key.split(':');
        return { exchange, symbol };
      }),
    },
    candles: {
      stored: async (q) => {
        calls.stored.push(q);
        return inWindow(q);
      },
      storedBody: async (q) => {
        calls.stored.push(q);
        return Buffer.from(JSON.stringify({ kline: inWindow(q).map(klineJson) }));
      },
      generated: async (q) => {
        calls.generated.push(q);
        return inWindow(q);
      },
      proxied: async (q) => {
        calls.proxied.push(q);
        const klines: Kline[] = stored.slice(0, Math.min(q.limit, 2)).map((c) => ({
          openTimeMs: c.openTimeMs,
          closeTimeMs: c.closeTimeMs,
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: c.volume,
          quoteVolume: c.quoteVolume,
          takerBuyVolume: c.takerBuyVolume,
          takerBuyQuoteVolume: c.takerBuyQuoteVolume,
          tradeCount: c.tradeCount,
        }));
        return klines;
      },
    },
    trades: {
      recent: async (exchange, symbol, limit) => {
        calls.recent.push({ exchange, symbol, limit });
        return [trade(2_000_000_001, T0 + 1000), trade(2_000_000_002, T0 + 2500)].slice(-limit);
      },
      async recentBody(exchange, symbol, limit) {
        return Buffer.from(JSON.stringify({ trade: (await this.recent(exchange, symbol, limit)).map(tradeJson) }));
      },
      range: async (q) =>
        [trade(2_000_000_001, T0 + 1000), trade(2_000_000_002, T0 + 2500)]
          .filter((t) => (q.fromId === undefined || t.id >= q.fromId) && (q.fromMs === undefined || t.exchangeTimeMs >= q.fromMs) && (q.toMs === undefined || t.exchangeTimeMs <= q.toMs))
          .slice(0, q.limit),
    },
    scanner: {
      regenerate: async () => ({ candles: 5, trades: 1234, fromMs: T0, toMs: T0 + 4 * 60_000 }),
      schedule: async (exchange, spec) => {
        calls.schedules.push({ exchange, spec });
        const key = `${exchange}:${spec.spec}`;
        const created = !schedules.has(key);
        schedules.add(key);
        return { created };
      },
    },
    live: {
      subscribe: (exchange, symbol, interval, onCandle) => {
        const series = `${exchange}:${symbol}:${interval}`;
        const set = live.get(series) ?? new Set();
        live.set(series, set);
        set.add(onCandle);
        return () => set.delete(onCandle);
      },
      trades: () => () => undefined,
    },
    health: { ready: async () => ({ ready: deps.ready, checks: { store: deps.ready, bus: true } }) },
    clock: new ManualClock(T0 + 10 * 60_000 + 30_000),
    logger: silentLogger(),
    metrics: new MetricsRegistry(),
    calls,
    pulled,
    emit: (series, c) => live.get(series)?.forEach((f) => f(c)),
    liveSubscribers: (series) => live.get(series)?.size ?? 0,
    ready: true,
  };
  return deps;
}
