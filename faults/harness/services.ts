import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createAggregator } from '@exgate/aggregator';
import { buckets } from '@exgate/bus';
import { createCollector, kvCheckpoints } from '@exgate/collector';
import type { ExchangeAdapter } from '@exgate/exchanges';
import { commonEnv, connectDistributedBus, createAdapters } from '@exgate/platform';
import { MetricsRegistry, systemClock } from '@exgate/runtime';
import { repoRoot } from '@exgate/testing';
import type { RunContext } from './context';
import { exchangeEnv } from './exchange';

/** A running service, in this process or as a child process. */
export interface Service {
  readonly name: string;
  /** Graceful: flush/commit, then exit. */
  stop(): Promise<void>;
  /** Abrupt: SIGKILL (child) — nothing is flushed or committed. */
  kill(): Promise<void>;
  /** In-process aggregators: the streams (`exchange:symbol`) it has held candles for. */
  streams?(): readonly string[];
  /** Processes: their /metrics, as Prometheus scrapes it. */
  metrics?(): Promise<string>;
}

/** What a service process needs of its run: its folder (logs), the bus settings, who to kill at the end. */
export type ProcessHost = Pick<RunContext, 'dir' | 'busEnv' | 'children'>;

export const INTERVALS = ['1m', '5m', '1h'] as const;
export const GRACE_MS = 2_000;
const CHECKPOINTS_BUCKET = 'exgate_collector_checkpoints';

/**
 * The adapter the collector's main.ts would build, with the feed's liveness timers shortened so a
 * silenced or cut connection is noticed within a run (production: 60 s silence, 1 s backoff).
 */
function quickFeeds(adapter: ExchangeAdapter): ExchangeAdapter {
  return {
    ...adapter,
    createFeed: (o) => adapter.createFeed({ ...o, silenceTimeoutMs: 400, pingIntervalMs: 200, minBackoffMs: 50, maxBackoffMs: 400 }),
  };
}

export async function collectorInProcess(ctx: RunContext): Promise<Service> {
  const logger = ctx.logger.child({ service: 'collector' });
  const bus = await connectDistributedBus(ctx.busEnv, logger, 'collector');
  const env = exchangeEnv(ctx.exchange, ctx.sim);
  const adapters = createAdapters(
    commonEnv.parse({ ...Object.fromEntries(Object.entries(ctx.busEnv).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])), ...env }),
    systemClock, logger,
  );
  const collector = createCollector({
    exchanges: new Map([...adapters].map(([id, a]) => [id, quickFeeds(a)])),
    tradeLog: bus.tradeWriter(),
    subscriptions: await bus.kv(buckets.subscriptions),
    checkpoints: kvCheckpoints(await bus.kv(CHECKPOINTS_BUCKET)),
    clock: systemClock, logger, metrics: new MetricsRegistry(),
    config: { flushIntervalMs: 100, maxBufferedPerStream: 200_000, latencyAllowanceMs: 2_000 },
  });
  await collector.start();
  const stop = async () => {
    await collector.stop();
    await bus.close();
  };
  return { name: 'collector', stop, kill: stop };
}

/** An aggregator in this process, writing to the run's store (two of them: two pods, one ClickHouse). */
export async function aggregatorInProcess(ctx: RunContext, name = 'aggregator'): Promise<Service> {
  const logger = ctx.logger.child({ service: name });
  const bus = await connectDistributedBus(ctx.busEnv, logger, name);
  const aggregator = createAggregator({
    tradeLog: bus.tradeReader(ctx.aggregatorGroup),
    store: await ctx.openStore(), candleLog: bus.candleWriter(), events: bus.events,
    clock: systemClock, logger, metrics: new MetricsRegistry(),
    config: { intervals: [...INTERVALS], graceMs: GRACE_MS, liveUpdates: false },
  });
  await aggregator.start();
  const stop = async () => {
    await aggregator.stop();
    await bus.close();
  };
  return { name, stop, kill: stop, streams: () => [...aggregator.streams] };
}

/** The collector's main.ts as a process, configured by environment only, as in a pod. */
export function collectorProcess(ctx: RunContext): Promise<Service> {
  return serviceProcess(ctx, 'collector', 'services/collector/src/main.ts', {
    ...exchangeEnv(ctx.exchange, ctx.sim), COLLECTOR_FLUSH_MS: '100',
  }, /collector started/);
}

/** The aggregator's main.ts as a process over the embedded engine in the run's folder; ready once it owns partitions. */
export function aggregatorProcess(ctx: RunContext): Promise<Service> {
  return serviceProcess(ctx, 'aggregator', 'services/aggregator/src/main.ts', {
    EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: ctx.dir, AGGREGATOR_GROUP_ID: ctx.aggregatorGroup,
    AGGREGATOR_INTERVALS: INTERVALS.join(','), AGGREGATOR_GRACE_MS: String(GRACE_MS), AGGREGATOR_LIVE_UPDATES: 'false',
  }, /partitions assigned/);
}

let starts = 0;

/**
 * node's arguments for a service's main.ts (a path from the repository's root): the image's
 * ENTRYPOINT flags (its 64 MB young generation, ADR 0019) and, `compiled`, its tsc output in dist/
 * as the image runs it, else the TypeScript through tsx. Under tsx each call into another module
 * goes through a getter esbuild defines per export (ADR 0019, tenth pass).
 */
export function serviceArgs(main: string, compiled: boolean): string[] {
  return compiled
    ? ['--max-semi-space-size=64', '--enable-source-maps', path.join(repoRoot, 'dist', main.replace(/\.ts$/, '.js'))]
    : ['--max-semi-space-size=64', '--import', 'tsx', path.join(repoRoot, main)];
}

/**
 * A service's main.ts as a process of the run, configured by environment only; ready when its log
 * matches `ready`. `compiled`: its tsc output in dist/ instead (`npm run build` first), as the
 * image runs it.
 */
export async function serviceProcess(ctx: ProcessHost, name: string, main: string, own: Record<string, string>, ready: RegExp, compiled = false): Promise<Service> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', OPS_PORT: '0',
    ...Object.fromEntries(Object.entries(ctx.busEnv).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])),
    ...own,
  };
  const log = createWriteStream(path.join(ctx.dir, `${name}-${++starts}.log`));
  // `node --import tsx` with the image's node flags (its ENTRYPOINT's 64 MB young generation, ADR
  // 0019): the tsx CLI would put a wrapper process in between, and a SIGKILL of the wrapper leaves
  // the service running as an orphan.
  // FAULT_CPU_PROF=DIR: every service process writes a V8 CPU profile there when it exits.
  const profile = process.env.FAULT_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FAULT_CPU_PROF}`] : [];
  const proc: ChildProcess = spawn(process.execPath, [...profile, ...serviceArgs(main, compiled)], {
    cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  ctx.children.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    ctx.children.delete(proc);
    resolve(code);
  }));
  let tail = '';
  let announceOps: (port: number) => void = () => undefined;
  const opsPort = new Promise<number>((resolve) => (announceOps = resolve));
  const isReady = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4096);
      const ops = /"opsPort":(\d+)/.exec(tail);
      if (ops) announceOps(Number(ops[1]));
      if (ready.test(tail)) resolve();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before it was ready (log: ${log.path as string})`)));
  });
  const timeout = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  try {
    await isReady;
  } finally {
    clearTimeout(timeout);
  }
  const end = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const code = await exited;
    log.end();
    if (signal === 'SIGTERM' && code !== 0) throw new Error(`${name} stopped with exit code ${code} (log: ${log.path as string})`);
  };
  const metrics = async () => (await fetch(`http://127.0.0.1:${await opsPort}/metrics`)).text();
  return { name, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), metrics };
}
