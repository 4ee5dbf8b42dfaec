import { kafkaBrokers } from '@exgate/testing';
import { planRuns, type PlanOptions } from './plan';
import { suiteSeed } from './rng';
import { cleanUpSuite, executeRun, type Topology } from './run';

/**
 * Runs per spec file: the file's default times FAULT_RUNS_SCALE (e.g. 0.2 for a quick look, 4 for
 * a soak), at least one.
 */
export function runCount(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): number {
  const scale = env.FAULT_RUNS_SCALE ? Number.parseFloat(env.FAULT_RUNS_SCALE) : 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`FAULT_RUNS_SCALE must be a positive number, got ${env.FAULT_RUNS_SCALE}`);
  return Math.max(1, Math.round(defaultRuns * scale));
}

export interface SuiteOptions extends PlanOptions {
  readonly runs: number;
  readonly topology: () => Topology;
  /** Runs going on at once (jest maxConcurrency caps it); 1 when they share something they break, like a broker. */
  readonly concurrent: boolean;
}

/**
 * One jest test per randomised run, named by its id (`-t 'inproc.7$'` replays one with the same
 * FAULT_SEED). A run fails on anything lost, doubled, never printed, or any candle that differs
 * from the recomputation.
 */
export function faultRuns(o: SuiteOptions): void {
  const seed = suiteSeed();
  const runs = planRuns(seed, runCount(o.runs), o);
  afterAll(() => cleanUpSuite(seed));
  const body = async (_id: string, plan: (typeof runs)[number]) => {
    const r = await executeRun(seed, plan, o.topology(), kafkaBrokers());
    expect({ lost: r.lost, duplicated: r.duplicated, phantom: r.phantom, wrong: r.wrong, problems: r.problems })
      .toEqual({ lost: 0, duplicated: 0, phantom: 0, wrong: 0, problems: [] });
  };
  const table = runs.map((p) => [p.id, p] as const);
  if (o.concurrent) it.concurrent.each(table)('%s', body);
  else it.each(table)('%s', body);
}
