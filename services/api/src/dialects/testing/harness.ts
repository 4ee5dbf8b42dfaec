import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createAggregator, type Aggregator } from '@exgate/aggregator';
import { MemoryCandleLog, MemoryEventBus, MemoryKeyValueStore, MemoryTradeLog, encodeRecord, subscriptionKey } from '@exgate/bus';
import { INTERVALS, type Trade } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { ManualClock, MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, fixtureLines } from '@exgate/testing';
import { createApi } from '../../app';
import type { ApiDeps } from '../../deps';
import { createApiDeps } from '../../use-cases';

/**
 * exgate's API over the real pipeline for dialect tests: recorded Binance USDⓈ-M trades go through
 * the real aggregator (all 16 intervals) into the embedded ClickHouse engine, live updates go over
 * the in-memory event bus, and the API listens on a local port so real clients (ccxt, ws) can talk
 * to it. `feed` plays more prints through the same path, for the websocket tests.
 */
export interface DialectHarness {
  readonly base: string;
  readonly wsBase: string;
  readonly app: FastifyInstance;
  readonly deps: ApiDeps;
  readonly store: ClickHouseMarketStore;
  readonly clock: ManualClock;
  /** Recorded prints per symbol, in id order (BTCUSDT, ETHUSDT). */
  readonly prints: Readonly<Record<string, readonly Trade[]>>;
  /** How many live subscriptions the API holds on an event subject right now. */
  subscribers(subject: string): number;
  /** Plays prints through the aggregator; resolves once they are stored and published. */
  feed(symbol: string, trades: readonly Trade[], watermarkMs?: number | null): Promise<void>;
  close(): Promise<void>;
}

/** The in-memory event bus, counting subscriptions so tests can wait for a client's to be in place. */
class CountingEventBus extends MemoryEventBus {
  readonly counts = new Map<string, number>();

  override subscribe(subject: string, handler: (payload: Uint8Array, subject: string) => void): () => void {
    const stop = super.subscribe(subject, handler);
    this.counts.set(subject, (this.counts.get(subject) ?? 0) + 1);
    let stopped = false;
    return () => {
      if (!stopped) this.counts.set(subject, (this.counts.get(subject) ?? 1) - 1);
      stopped = true;
      stop();
    };
  }
}

export const EXCHANGE = 'binance-usdm';
const FIXTURE = ['binance', 'usdm-trades-2024-07-18'] as const;
/** 2024-07-19T00:06:00Z: just after the capture, the API's "now". */
export const NOW_MS = 1_721_347_560_000;

export function recordedPrints(symbol: 'BTCUSDT' | 'ETHUSDT'): Trade[] {
  const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger(), tradeKind: 'trade' });
  return fixtureLines(...FIXTURE, `${symbol.toLowerCase()}-trade-stream.jsonl`).flatMap((line) => {
    const r = adapter.parseFrame(line, 1_800_000_000_000);
    return r.type === 'trades' ? [...r.trades] : [];
  });
}

/** `holdBack` prints of each symbol are left out of the initial load, for `feed`. */
export async function startHarness(options: { holdBack?: number } = {}): Promise<DialectHarness> {
  const holdBack = options.holdBack ?? 0;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-dialects-'));
  const store = await openStore({ kind: 'embedded', dataDir });
  const tradeLog = new MemoryTradeLog();
  const events = new CountingEventBus();
  const logger = silentLogger();
  const metrics = new MetricsRegistry();
  const aggregator: Aggregator = createAggregator({
    tradeLog: tradeLog.reader({ groupId: 'aggregator' }), store, candleLog: new MemoryCandleLog().writer(), events,
    clock: systemClock, logger, metrics, config: { intervals: INTERVALS, graceMs: 0, liveUpdates: true },
  });
  await aggregator.start();

  const consumed = () => {
    const log = tradeLog.log;
    return Array.from({ length: log.partitionCount }, (_, p) => p).every((p) => log.group('aggregator').committedOffset(p) >= log.bounds(p).end);
  };
  const feed = async (symbol: string, trades: readonly Trade[], watermarkMs: number | null = trades[trades.length - 1]?.exchangeTimeMs ?? null) => {
    await tradeLog.writer().publish([{ exchange: EXCHANGE, symbol, kind: 'trade', trades, watermarkMs, gap: null }]);
    await eventually(consumed, { what: 'the aggregator to handle every batch', timeoutMs: 60_000, intervalMs: 20 });
    await events.flush();
  };

  const prints = { BTCUSDT: recordedPrints('BTCUSDT'), ETHUSDT: recordedPrints('ETHUSDT') };
  const subscriptions = new MemoryKeyValueStore();
  for (const [symbol, trades] of Object.entries(prints)) {
    await subscriptions.put(subscriptionKey(EXCHANGE, symbol), encodeRecord({ exchange: EXCHANGE, symbol, interval: '1m', sinceMs: 0 }));
    await feed(symbol, trades.slice(0, trades.length - holdBack));
  }

  const clock = new ManualClock(NOW_MS);
  // REST of the exchange points nowhere: a dialect that reached the exchange would fail loudly.
  const adapters = new Map([[EXCHANGE, requireExchange('binance-usdm').create({ clock, logger, tradeKind: 'trade', restBaseUrl: 'http://127.0.0.1:9' })]]);
  const deps = createApiDeps({
    store, adapters, subscriptions, schedules: new MemoryKeyValueStore(), events, kindOf: () => 'trade',
    ready: async () => ({ store: true }), clock, logger, metrics,
  });
  const app = await createApi(deps, { rateLimit: { enabled: false } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;

  return {
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    app, deps, store, clock, prints, feed,
    subscribers: (subject) => events.counts.get(subject) ?? 0,
    async close() {
      await app.close();
      await aggregator.stop();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** GET as JSON: status, headers and the parsed body (or the text when it is not JSON). */
export async function getJson(url: string): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text, headers: res.headers };
}
