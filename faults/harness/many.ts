import type { ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { buckets, encodeRecord, subscriptionKey } from '@exgate/bus';
import type { Trade } from '@exgate/domain';
import type { Pace } from '@exgate/exchanges';
import type { SimulatorControl } from '@exgate/exchanges/testing';
import { connectDistributedBus, namespaced, type DistributedBus } from '@exgate/platform';
import type { Logger } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { natsUrl } from '@exgate/testing';
import type { RunContext } from './context';
import { exchangeEnv, faultExchange, truthOf, type FaultExchange } from './exchange';
import { serviceProcess, type Service } from './services';
import { syntheticRecordings } from './series';

/**
 * Many series in one collector and one aggregator (issue 7's scale proof, issue 9 part 4): each
 * exchange on its own simulator, the symbols dealt over the exchanges in turn, both services as
 * processes configured as pods are, through the real Kafka and NATS under a fresh namespace.
 */
export interface ManyOptions {
  /** Exchange ids; symbol i goes to exchanges[i % length]. */
  readonly exchanges: readonly string[];
  readonly symbols: number;
  readonly printsPerSymbol: number;
  readonly pace: Pace;
  readonly brokers: readonly string[];
  /** The run's folder (logs, the aggregator's engine data) is made inside. */
  readonly root: string;
  /** AGGREGATOR_INTERVALS; absent: the service's default (every interval). */
  readonly intervals?: readonly string[];
  /** The services from dist/ (`npm run build` done), as the image runs them; otherwise through tsx. */
  readonly compiled?: boolean;
}

/** One exchange of the run: its simulator, its symbols in its own spelling, every print it plays. */
export interface SeriesExchange {
  readonly exchange: FaultExchange;
  readonly sim: SimulatorControl;
  readonly symbols: readonly string[];
  /** As the exchange's own mapper reads the frames it plays, by symbol. */
  readonly truth: ReadonlyMap<string, readonly Trade[]>;
  /**
   * Prints the collector must deliver (Binance: the aggTrades it made of the trades). Where ids are
   * contiguous, every print (what a connection missed is fetched by id); elsewhere, those the
   * exchange sent: fewer than it printed where the protocol drops some on its own (HotBit's first
   * push after a subscribe carries only the newest 100 deals).
   */
  expected(): number;
}

/** The run's own namespace on the shared Kafka and NATS, as a fault run has it. */
export interface ManyRun extends Pick<RunContext, 'dir' | 'logger' | 'busEnv' | 'bus' | 'tradesTopic' | 'aggregatorGroupId' | 'checkpoints' | 'children'> {
  readonly exchanges: readonly SeriesExchange[];
  readonly streams: number;
  startCollector(): Promise<Service>;
  startAggregator(): Promise<Service>;
  /** Puts every symbol's subscription at once (as a burst of API pulls would). */
  subscribe(): Promise<void>;
  /** Resolves when every simulator has every symbol subscribed (they wait to play). */
  subscribed(timeoutMs: number): Promise<void>;
  /** Lets every simulator play; says when (epoch ms). */
  play(): number;
  /** The aggregator's store, once its process has stopped (the engine binds one folder per process). */
  openStore(): Promise<ClickHouseMarketStore>;
  close(keepDir: boolean): Promise<void>;
}

const AGGREGATOR_GROUP = 'exgate-aggregator';
let unique = 0;

export async function createManyRun(o: ManyOptions): Promise<ManyRun> {
  const namespace = `many-${process.pid.toString(36)}-${Date.now().toString(36)}-${(unique++).toString(36)}`;
  const dir = path.join(o.root, namespace);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const logger = pino({ level: 'info', base: { run: namespace } }, pino.destination({ dest: path.join(dir, 'run.log'), sync: false }));
  const busEnv = {
    KAFKA_BROKERS: [...o.brokers], KAFKA_CLIENT_ID: 'exgate-many', KAFKA_PARTITIONS: 4, NATS_URL: natsUrl(), EXGATE_NAMESPACE: namespace,
  };
  const recorded = Object.entries(syntheticRecordings(o.symbols, o.printsPerSymbol));
  const exchanges: SeriesExchange[] = [];
  try {
    for (const [n, id] of o.exchanges.entries()) {
      const lines = recorded.filter((_, i) => i % o.exchanges.length === n).flatMap(([, l]) => l);
      if (lines.length > 0) exchanges.push(await startExchange(faultExchange(id), lines, o.pace));
    }
  } catch (e) {
    await Promise.all(exchanges.map((x) => x.sim.close()));
    throw e;
  }
  const bus = await connectDistributedBus(busEnv, logger.child({ service: 'harness' }), 'harness');
  const names = namespaced(namespace);
  const children = new Set<ChildProcess>();
  const host = { dir, busEnv, children };
  const checkpoints = await bus.kv('exgate_collector_checkpoints');
  let store: Promise<ClickHouseMarketStore> | undefined;
  return {
    dir, logger, exchanges, busEnv, bus, checkpoints, children,
    streams: exchanges.reduce((n, x) => n + x.symbols.length, 0),
    tradesTopic: names.tradesTopic,
    aggregatorGroupId: names.group(AGGREGATOR_GROUP),
    startCollector: () => serviceProcess(host, 'collector', 'services/collector/src/main.ts', collectorEnv(exchanges), /collector started/, o.compiled),
    startAggregator: () => serviceProcess(host, 'aggregator', 'services/aggregator/src/main.ts', {
      EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: dir, AGGREGATOR_GROUP_ID: AGGREGATOR_GROUP, AGGREGATOR_LIVE_UPDATES: 'false',
      ...(o.intervals ? { AGGREGATOR_INTERVALS: o.intervals.join(',') } : {}),
    }, /partitions assigned/, o.compiled),
    async subscribe() {
      const subscriptions = await bus.kv(buckets.subscriptions);
      await Promise.all(exchanges.flatMap((x) => x.symbols.map((symbol) => subscriptions.put(
        subscriptionKey(x.exchange.id, symbol), encodeRecord({ exchange: x.exchange.id, symbol, interval: '1m', sinceMs: 0 }),
      ))));
    },
    async subscribed(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!exchanges.every((x) => x.symbols.every((s) => x.sim.started.has(s)))) {
        if (Date.now() > deadline) {
          const missing = exchanges.map((x) => `${x.exchange.id}: ${x.symbols.filter((s) => !x.sim.started.has(s)).length}`).join(', ');
          throw new Error(`not every symbol was subscribed within ${timeoutMs} ms (not yet: ${missing})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    play() {
      const at = Date.now();
      for (const x of exchanges) x.sim.resume();
      return at;
    },
    openStore: () => (store ??= openStore({ kind: 'embedded', dataDir: path.join(dir, 'clickhouse'), database: 'exgate' })),
    async close(keepDir) {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(exchanges.map((x) => x.sim.close()));
      const open = await store?.catch(() => undefined);
      await open?.close();
      await dropNamespace(bus, namespace, logger);
      await bus.close();
      logger.flush();
      if (!keepDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Its simulator, held paused (every symbol of every exchange starts on one clock once all are subscribed). */
async function startExchange(exchange: FaultExchange, binanceLines: readonly string[], pace: Pace): Promise<SeriesExchange> {
  const simulator = await exchange.module.loadSimulator();
  const frames = simulator.fromBinance(binanceLines);
  const truth = truthOf(exchange, frames);
  const sim = (await simulator.start({ frames, host: '127.0.0.1', pace, restHistory: 'printed' })) as SimulatorControl;
  sim.pause();
  const symbols = [...truth.keys()];
  return {
    exchange, sim, symbols, truth,
    expected: () => symbols.reduce((n, s) => n + (exchange.contiguous ? sim.printedIds(s, exchange.kind) : sim.sentIds(s, exchange.kind)).length, 0),
  };
}

/** One collector for every exchange of the run, each pointed at its simulator. */
function collectorEnv(exchanges: readonly SeriesExchange[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const x of exchanges) Object.assign(merged, exchangeEnv(x.exchange, x.sim));
  return { ...merged, EXGATE_EXCHANGES: exchanges.map((x) => x.exchange.id).join(',') };
}

async function dropNamespace(bus: DistributedBus, namespace: string, logger: Logger): Promise<void> {
  const names = namespaced(namespace);
  const admin = bus.kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [names.tradesTopic, names.candlesTopic], timeout: 10_000 });
    await admin.deleteGroups([names.group(AGGREGATOR_GROUP)]).catch(() => undefined);
  } catch (e) {
    logger.warn({ err: e }, 'cleanup of Kafka topics failed');
  } finally {
    await admin.disconnect();
  }
  const jsm = await bus.nats.jetstreamManager();
  for (const bucket of [buckets.subscriptions, 'exgate_collector_checkpoints']) {
    await jsm.streams.delete(`KV_${names.bucket(bucket)}`).catch(() => false);
  }
}
