import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { countRedeliveries, createAggregator, type Aggregator } from '@exgate/aggregator';
import { apiConfigFromEnv, apiEnv, createApi, createApiDeps } from '@exgate/api';
import { buckets, encodeRecord, subscriptionKey, type KeyValueStore } from '@exgate/bus';
import { createCollector, storeCheckpoints, type Collector } from '@exgate/collector';
import { INTERVALS } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import { loadSocketLibrary, requireExchange, resolveExchange, type ExchangeSettings, type ExchangeSimulator } from '@exgate/exchanges';
import { commonEnv, createAdapters, createEmbeddedBus, storeReady } from '@exgate/platform';
import { env, systemClock, type Clock, type Logger, type MetricsRegistry } from '@exgate/runtime';
import { createScheduler, soleLeader, type Scheduler } from '@exgate/scheduler';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import type { ReplaySimulatorStart } from './replay/protocol';
import { startSimulatorProcess } from './replay/start-simulator';

/** `npm start`: everything in one process, nothing else installed. */
export const embeddedEnv = commonEnv.extend(apiEnv.shape).extend({
  EXGATE_DATA_DIR: z.string().default('.data'),
  /** `exchange:SYMBOL` pairs pulled when nothing is pulled yet. */
  EXGATE_PULL: env.list('binance-usdm:BTCUSDT'),
  AGGREGATOR_GRACE_MS: env.int(5_000),
});
export type EmbeddedEnv = z.infer<typeof embeddedEnv>;

export interface ReplayOptions {
  readonly file: string;
  /** Whose frames the file holds (id or alias): its simulator plays them. */
  readonly exchange: string;
  /** Recorded time per wall time; 'max' plays as fast as the sockets take it. */
  readonly speed: number | 'max';
}

export interface EmbeddedOptions {
  readonly config: EmbeddedEnv;
  readonly replay?: ReplayOptions;
  /**
   * Where the replay's exchange runs: by default a process of its own (startSimulatorProcess).
   * Tests that break its connections start it in theirs, to reach it.
   */
  readonly startReplaySimulator?: (start: ReplaySimulatorStart) => Promise<ExchangeSimulator>;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export interface Embedded {
  readonly port: number;
  readonly store: ClickHouseMarketStore;
  readonly collector: Collector;
  readonly aggregator: Aggregator;
  readonly scheduler: Scheduler;
  readonly simulator: ExchangeSimulator | null;
  close(): Promise<void>;
}

export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  const { config, logger, metrics } = o;
  const dataDir = path.resolve(config.EXGATE_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const store = await openStore({ kind: 'embedded', dataDir: path.join(dataDir, 'clickhouse'), database: config.CLICKHOUSE_DATABASE });
  const bus = createEmbeddedBus(dataDir);

  let simulator: ExchangeSimulator | null = null;
  const overrides: Record<string, ExchangeSettings> = {};
  let pulls = config.EXGATE_PULL;
  let exchanges = config.EXGATE_EXCHANGES;
  if (o.replay) {
    const module = requireExchange(o.replay.exchange);
    const id = module.info.id;
    simulator = await (o.startReplaySimulator ?? startSimulatorProcess)({
      exchange: id, file: o.replay.file, host: '127.0.0.1', restHistory: 'printed',
      pace: o.replay.speed === 'max' ? 'asap' : { speed: o.replay.speed },
    });
    overrides[id] = {
      wsBaseUrl: simulator.wsBaseUrl, restBaseUrl: simulator.restBaseUrl,
      // A simulator of an exchange that signs market data accepts only its own credentials.
      ...(simulator.credentials ? { credentials: simulator.credentials } : {}),
    };
    pulls = simulator.symbols.map((symbol) => `${id}:${symbol}`);
    if (!exchanges.some((name) => resolveExchange(name)?.info.id === id)) exchanges = [...exchanges, id];
    const { file } = o.replay;
    const prints = simulator.printCount;
    logger.info({ file, exchange: id, symbols: simulator.symbols, prints, speed: o.replay.speed },
      `replaying recorded frames through a local ${module.info.displayName} simulator`);
    // Tells a person watching when nothing more will come (the simulator then idles, as an exchange would).
    void simulator.drained().then(
      () => logger.info({ file, prints }, `the recording has been played out: ${prints} prints`),
      (e: unknown) => logger.error({ file, err: e }, errorMessage(e)),
    );
  }
  const clock: Clock = systemClock;

  const adapters = createAdapters({ ...config, EXGATE_EXCHANGES: exchanges }, clock, logger, overrides);
  loadSocketLibrary(); // now, not with the first subscription (socket.ts)
  const subscriptions = await bus.kv(buckets.subscriptions);
  const schedules = await bus.kv(buckets.schedules);
  await seedPulls(subscriptions, pulls, clock, logger);

  const collector = createCollector({
    exchanges: adapters, tradeLog: bus.tradeWriter(), subscriptions, checkpoints: storeCheckpoints(store),
    clock, logger: logger.child({ component: 'collector' }), metrics,
    config: { flushIntervalMs: 100, maxBufferedPerStream: 200_000, latencyAllowanceMs: 2_000 },
  });
  const aggregator = createAggregator({
    tradeLog: bus.tradeReader('exgate-aggregator', { onHandlerRetry: countRedeliveries(metrics) }), store, candleLog: bus.candleWriter(), events: bus.events,
    clock, logger: logger.child({ component: 'aggregator' }), metrics,
    config: { intervals: INTERVALS, graceMs: config.AGGREGATOR_GRACE_MS, liveUpdates: true },
  });
  const scheduler = createScheduler({
    schedules, events: bus.events, leadership: soleLeader, clock, logger: logger.child({ component: 'scheduler' }), metrics, pollIntervalMs: 250,
  });
  const deps = createApiDeps({
    store, adapters, subscriptions, schedules, events: bus.events, clock, logger: logger.child({ component: 'api' }), metrics,
    kindOf: (exchange) => adapters.get(exchange)!.info.tradeKind,
    ready: async () => ({ store: await storeReady(store) }),
  });
  const app = await createApi(deps, apiConfigFromEnv(config));

  await aggregator.start();
  await scheduler.start();
  await collector.start();
  await app.listen({ port: config.API_PORT, host: config.API_HOST });
  const port = (app.server.address() as { port: number }).port;

  return {
    port, store, collector, aggregator, scheduler, simulator,
    async close() {
      await app.close();
      await collector.stop();
      await scheduler.stop();
      await aggregator.stop();
      await simulator?.close();
      await bus.close();
      await store.close();
    },
  };
}

/** The first start pulls the configured symbols; after that the user's pulls and stops stand. */
async function seedPulls(subscriptions: KeyValueStore, pulls: readonly string[], clock: Clock, logger: Logger): Promise<void> {
  if ((await subscriptions.entries()).size > 0) return;
  for (const pair of pulls) {
    const [name, symbol] = pair.split(':');
    const exchange = resolveExchange(name ?? '')?.info.id;
    if (!exchange || !symbol) {
      logger.warn({ pair }, 'EXGATE_PULL: expected exchange:SYMBOL with a known exchange; skipped');
      continue;
    }
    await subscriptions.put(subscriptionKey(exchange, symbol), encodeRecord({ exchange, symbol, interval: '1m', sinceMs: clock.nowMs() }));
    logger.info({ exchange, symbol }, 'pulling by default (EXGATE_PULL)');
  }
}
