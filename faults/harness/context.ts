import type { ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { buckets, encodeRecord, subscriptionKey, type KeyValueStore } from '@exgate/bus';
import type { Trade } from '@exgate/domain';
import type { SimulatorControl } from '@exgate/exchanges/testing';
import { connectDistributedBus, namespaced, type DistributedBus } from '@exgate/platform';
import type { Logger } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { natsUrl } from '@exgate/testing';
import { truthOf, type FaultExchange } from './exchange';
import type { RunPlan } from './plan';

const AGGREGATOR_GROUP = 'exgate-aggregator';

/** Everything one run owns: its exchange, its namespace on the shared Kafka and NATS, its folder. */
export interface RunContext {
  readonly plan: RunPlan;
  readonly exchange: FaultExchange;
  /** The exchange's spelling of the run's symbols. */
  readonly symbols: readonly string[];
  /** Binance's spelling (the recordings', the plan's faults') → the exchange's. */
  readonly symbolOf: (binanceSymbol: string) => string;
  /** Per exchange symbol, every print the simulator plays, as the exchange's own mapper reads it. */
  readonly truth: ReadonlyMap<string, readonly Trade[]>;
  /** Logs of the run and its services, and the embedded engine's data. */
  readonly dir: string;
  readonly logger: Logger;
  readonly sim: SimulatorControl;
  /** What connectDistributedBus and the services' main.ts read (topics, groups and buckets under a fresh namespace). */
  readonly busEnv: {
    readonly KAFKA_BROKERS: string[]; readonly KAFKA_CLIENT_ID: string; readonly KAFKA_PARTITIONS: number;
    readonly NATS_URL: string; readonly EXGATE_NAMESPACE: string;
  };
  /** The harness's own connection: admin, KV reads, replays. */
  readonly bus: DistributedBus;
  readonly tradesTopic: string;
  /** The aggregators' group as the services name it, and as Kafka knows it. */
  readonly aggregatorGroup: string;
  readonly aggregatorGroupId: string;
  readonly checkpoints: KeyValueStore;
  readonly children: Set<ChildProcess>;
  /** The run's store (embedded engine on `dir`), opened once, shared by in-process aggregators. */
  openStore(): Promise<ClickHouseMarketStore>;
  /** Closes it; `drop` also removes the run's database from a shared engine folder. */
  closeStore(drop: boolean): Promise<void>;
  /** Resolves when the exchange started playing every symbol (the collector subscribed). */
  readonly playing: Promise<number>;
}

let unique = 0;

export interface RunOptions {
  readonly brokers: readonly string[];
  /** Runs of the suite keep their folders here. */
  readonly root: string;
  /**
   * Where this process's embedded engine keeps its data. The engine binds one folder per process,
   * so in-process runs going on at the same time share it, each with a database of its own.
   * Absent: the run's store is the folder an aggregator process wrote (dir/clickhouse, database exgate).
   */
  readonly engineDir?: string;
}

export async function createRun(plan: RunPlan, options: RunOptions): Promise<RunContext> {
  const { exchange } = plan;
  const dir = path.join(options.root, plan.id);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const logger = pino({ level: 'info', base: { run: plan.id } }, pino.destination({ dest: path.join(dir, 'run.log'), sync: false }));
  // Unique per execution: replaying a seed must not find the topics and buckets of the first try.
  const namespace = `fault-${process.pid.toString(36)}-${Date.now().toString(36)}-${(unique++).toString(36)}`;
  const busEnv = {
    KAFKA_BROKERS: [...options.brokers], KAFKA_CLIENT_ID: 'exgate-faults', KAFKA_PARTITIONS: 4,
    NATS_URL: natsUrl(), EXGATE_NAMESPACE: namespace,
  };
  // The recorded Binance prints, in the exchange's own frames; symbol by symbol, to learn its spelling.
  const simulator = await exchange.module.loadSimulator();
  const frames: string[] = [];
  const spelled = new Map<string, string>();
  for (const [binanceSymbol, lines] of Object.entries(plan.recordings)) {
    const own = simulator.fromBinance(lines);
    const [first] = truthOf(exchange, own).keys();
    if (first === undefined) throw new Error(`${exchange.id}: no print of ${binanceSymbol} survived the re-encoding`);
    spelled.set(binanceSymbol, first);
    frames.push(...own);
  }
  const truth = truthOf(exchange, frames);
  const symbols = [...spelled.values()];
  const sim = (await simulator.start({
    frames, host: '127.0.0.1', pace: { speed: plan.speed }, restHistory: 'printed',
  })) as SimulatorControl;
  // Held until every symbol is subscribed, then played from one instant: the symbols keep one clock.
  sim.pause();
  const playing = (async () => {
    const deadline = Date.now() + 60_000;
    while (!symbols.every((s) => sim.started.has(s))) {
      if (Date.now() > deadline) throw new Error(`${exchange.id}: not every symbol was subscribed within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    sim.resume();
    return Date.now();
  })();
  playing.catch(() => undefined);
  // A run that cannot start must not leave its exchange listening: jest would wait on it forever.
  let bus: DistributedBus | undefined;
  let checkpoints: KeyValueStore;
  try {
    bus = await connectDistributedBus(busEnv, logger.child({ service: 'harness' }), 'harness');
    const subscriptions = await bus.kv(buckets.subscriptions);
    for (const symbol of symbols) {
      await subscriptions.put(subscriptionKey(exchange.id, symbol), encodeRecord({ exchange: exchange.id, symbol, interval: '1m', sinceMs: 0 }));
    }
    checkpoints = await bus.kv('exgate_collector_checkpoints');
  } catch (e) {
    await bus?.close();
    await sim.close();
    logger.flush();
    throw e;
  }
  let store: Promise<ClickHouseMarketStore> | undefined;
  const names = namespaced(namespace);
  const where = options.engineDir
    ? { dataDir: options.engineDir, database: `run_${namespace.replace(/-/g, '_')}` }
    : { dataDir: storeDir(dir), database: 'exgate' };
  return {
    plan, exchange, symbols, symbolOf: (s) => spelled.get(s) ?? s, truth, dir, logger, sim, busEnv, bus,
    tradesTopic: names.tradesTopic,
    aggregatorGroup: AGGREGATOR_GROUP,
    aggregatorGroupId: names.group(AGGREGATOR_GROUP),
    checkpoints,
    children: new Set(),
    openStore: () => (store ??= openStore({ kind: 'embedded', ...where })),
    closeStore: async (drop) => {
      const open = await store?.catch(() => undefined);
      store = undefined;
      if (!open) return;
      if (drop && options.engineDir) await open.driver.exec(`DROP DATABASE IF EXISTS ${open.database} SYNC`).catch(() => undefined);
      await open.close();
    },
    playing,
  };
}

/** Where main.ts puts the embedded engine's data for EXGATE_DATA_DIR=dir (see openConfiguredStore). */
export const storeDir = (dir: string): string => path.join(dir, 'clickhouse');

/** Leaves nothing behind: processes, sockets, topics, buckets; the folder too unless kept for a failure. */
export async function closeRun(ctx: RunContext, keepDir: boolean): Promise<void> {
  for (const child of ctx.children) child.kill('SIGKILL');
  await ctx.sim.close();
  await ctx.closeStore(!keepDir);
  const admin = ctx.bus.kafka.admin();
  try {
    await admin.connect();
    const names = namespaced(ctx.busEnv.EXGATE_NAMESPACE);
    await admin.deleteTopics({ topics: [names.tradesTopic, names.candlesTopic], timeout: 10_000 });
    await admin.deleteGroups([ctx.aggregatorGroupId, `${ctx.aggregatorGroupId}-replay`]).catch(() => undefined);
  } catch (e) {
    ctx.logger.warn({ err: e }, 'cleanup of Kafka topics failed');
  } finally {
    await admin.disconnect();
  }
  const jsm = await ctx.bus.nats.jetstreamManager();
  for (const bucket of [buckets.subscriptions, 'exgate_collector_checkpoints']) {
    await jsm.streams.delete(`KV_${namespaced(ctx.busEnv.EXGATE_NAMESPACE).bucket(bucket)}`).catch(() => false);
  }
  await ctx.bus.close();
  ctx.logger.flush();
  if (!keepDir) await rm(ctx.dir, { recursive: true, force: true });
}
