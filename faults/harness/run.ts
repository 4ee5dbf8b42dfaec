import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PrivateBroker } from './broker';
import { closeRun, createRun, type RunContext } from './context';
import { describeFaults, type Fault, type RunPlan } from './plan';
import { replayTopicRange } from './replay';
import { recordRun, type RunRecord } from './report';
import { aggregatorInProcess, aggregatorProcess, collectorInProcess, collectorProcess, type Service } from './services';
import { aggregatorCaughtUp, collectorCaughtUp, sleep } from './settle';
import { verify } from './verify';

/** Where each service of a run lives: SIGKILL needs a process; the rest runs cheaper in this one. */
export interface Topology {
  readonly collector: 'in-process' | 'process';
  readonly aggregator: 'in-process' | 'process';
  /** A broker the run may restart; the shared one otherwise. */
  readonly broker?: PrivateBroker;
}

export const faultsRoot = (seed: number): string => path.join(os.tmpdir(), `exgate-faults-${seed}-${process.pid}`);

/** The services of a run as they come and go (kills, restarts, a second aggregator). */
class Services {
  readonly live = new Set<Service>();
  collector!: Service;
  aggregator!: Service;

  constructor(private readonly ctx: RunContext, private readonly topology: Topology) {}

  async startAggregator(): Promise<void> {
    this.aggregator = this.track(await (this.topology.aggregator === 'process' ? aggregatorProcess(this.ctx) : aggregatorInProcess(this.ctx)));
  }

  async startCollector(): Promise<void> {
    this.collector = this.track(await (this.topology.collector === 'process' ? collectorProcess(this.ctx) : collectorInProcess(this.ctx)));
  }

  track(s: Service): Service {
    this.live.add(s);
    return s;
  }

  async end(s: Service, how: 'stop' | 'kill'): Promise<void> {
    this.live.delete(s);
    await s[how]();
  }

  /** After a failure: whatever still runs goes, before its topics and buckets are deleted. */
  async abort(): Promise<void> {
    for (const s of [...this.live]) await this.end(s, 'kill').catch(() => undefined);
  }
}

/** One randomised run: start everything, strike, let it settle, then judge it from storage. */
export async function executeRun(suiteSeed: number, plan: RunPlan, topology: Topology, brokers: readonly string[]): Promise<RunRecord> {
  const started = Date.now();
  const root = faultsRoot(suiteSeed);
  const ctx = await createRun(plan, {
    brokers: topology.broker?.brokers ?? brokers, root,
    ...(topology.aggregator === 'in-process' ? { engineDir: path.join(root, `engine-${process.pid}`) } : {}),
  });
  const phase = (name: string) => ctx.logger.info({ phase: name, sinceStartMs: Date.now() - started }, 'phase');
  const services = new Services(ctx, topology);
  const notes: string[] = [];
  let record: RunRecord | undefined;
  try {
    // The aggregator first: a fault aimed at it must find it consuming.
    await services.startAggregator();
    await services.startCollector();
    const playStart = await withTimeout(ctx.playing, 30_000, 'the collector never subscribed');
    phase('playing');
    const strikes = plan.faults.filter((f) => Number.isFinite(f.atMs)).map(async (f) => {
      await sleep(Math.max(0, playStart + f.atMs - Date.now()));
      notes.push(await strike(ctx, f, services, topology));
    });
    await ctx.sim.drained();
    await Promise.all(strikes);
    phase('drained');
    if (!(await collectorCaughtUp(ctx, 30_000))) notes.push('collector-never-caught-up');
    for (const f of plan.faults.filter((x) => !Number.isFinite(x.atMs))) notes.push(await strike(ctx, f, services, topology));
    await services.end(services.collector, 'stop');
    phase('collector stopped');
    if (!(await aggregatorCaughtUp(ctx, 60_000))) notes.push('aggregator-never-caught-up');
    await services.end(services.aggregator, 'stop');
    phase('aggregator stopped');
    const verdict = await verifyRun(ctx, topology);
    phase('verified');
    record = {
      id: plan.id, suiteSeed, seed: plan.seed, faults: describeFaults(plan), ...verdict,
      notes: [...notes.filter((n) => n !== ''), `rest=${JSON.stringify(ctx.sim.stats.restStatuses)}`, `ws=${ctx.sim.stats.connectionsOpened}`],
      seconds: (Date.now() - started) / 1000, dir: ctx.dir,
    };
    return record;
  } finally {
    await services.abort();
    const failed = !record || record.lost + record.duplicated + record.wrong + record.phantom > 0;
    await closeRun(ctx, failed || process.env.FAULT_KEEP === '1');
    if (record) recordRun(record, failed);
  }
}

async function strike(ctx: RunContext, f: Fault, services: Services, topology: Topology): Promise<string> {
  ctx.logger.warn({ fault: f }, 'fault');
  switch (f.kind) {
    case 'drop':
      ctx.sim.dropConnections();
      return '';
    case 'gap':
      ctx.sim.skipNext(f.amount, { symbol: ctx.symbolOf(f.symbol), kind: ctx.exchange.kind });
      return '';
    case 'garble':
      // The exchange prints; the frame that carries each print arrives cut short (on a silenced
      // connection nothing arrives, and the exchange still has them for the next one). Ids reveal
      // the hole where they go up by one; elsewhere the rejection itself marks the loss.
      ctx.sim.garbleNext(f.amount, { symbol: ctx.symbolOf(f.symbol), kind: ctx.exchange.kind });
      return '';
    case 'rest429':
      // The 429s answer the backfill of the hole opened right after them.
      ctx.sim.failRest(429, { retryAfterS: 1, times: f.amount });
      ctx.sim.skipNext(5, { symbol: ctx.symbolOf(f.symbol), kind: ctx.exchange.kind });
      return '';
    case 'silence':
      ctx.sim.silence(f.amount);
      return '';
    case 'replay':
      return `replayed=${await replayTopicRange(ctx, 0.3)}`;
    case 'collector-kill':
      await services.end(services.collector, 'kill');
      await services.startCollector();
      // Prints missed while it was dead show only by the ids of later ones.
      return (await Promise.race([ctx.sim.drained().then(() => true), sleep(0).then(() => false)])) ? 'collector-back-after-the-last-print' : '';
    case 'aggregator-kill':
      await services.end(services.aggregator, 'kill');
      await services.startAggregator();
      return '';
    case 'broker-restart':
      if (!topology.broker) throw new Error('broker-restart needs a private broker');
      await topology.broker.restart();
      return '';
    case 'rebalance': {
      const second = services.track(await aggregatorInProcess(ctx, 'aggregator-2'));
      await sleep(f.amount);
      const took = second.streams?.().map((s) => s.split(':')[1]).join(',') || 'nothing';
      await services.end(second, 'stop');
      // Whether a stream moved depends on the partitions its key hashes to.
      return `second-aggregator-took=${took}`;
    }
  }
}

/**
 * The engine binds one folder per process: runs whose aggregator was a process each have their
 * own folder, so their verifications take turns (open, judge, close).
 */
let engineTurn: Promise<unknown> = Promise.resolve();
function verifyRun(ctx: RunContext, topology: Topology): ReturnType<typeof verify> {
  const judge = () => verify(ctx.openStore(), ctx);
  if (topology.aggregator === 'in-process') return judge();
  const turn = engineTurn.then(async () => {
    try {
      return await judge();
    } finally {
      await ctx.closeStore(false);
    }
  });
  engineTurn = turn.catch(() => undefined);
  return turn;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** After a spec file: its folder goes unless a failed run left something in it to read. */
export async function cleanUpSuite(suiteSeed: number): Promise<void> {
  const root = faultsRoot(suiteSeed);
  const kept = (await readdir(root).catch(() => [] as string[])).filter((name) => !name.startsWith('engine-'));
  if (kept.length === 0) await rm(root, { recursive: true, force: true });
}
