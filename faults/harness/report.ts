import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@exgate/testing';
import type { Verdict } from './verify';

export interface RunRecord extends Verdict {
  readonly id: string;
  readonly suiteSeed: number;
  readonly seed: number;
  readonly faults: string;
  readonly notes: readonly string[];
  readonly seconds: number;
  /** Kept with logs and data when the run failed. */
  readonly dir: string;
}

/**
 * Every run of the suite, one JSON line each; the total reporter sums them (faults/total-reporter.js).
 * global-setup.js names the file per jest process.
 */
const runsFile = (): string => process.env.FAULT_RUNS_FILE ?? path.join(repoRoot, '.local', `faults-runs-${process.pid}.jsonl`);

export function runLine(r: RunRecord): string {
  return `fault run ${r.id.padEnd(14)} seed=${r.suiteSeed} faults=${r.faults} trades=${r.trades} lost=${r.lost} ` +
    `duplicated=${r.duplicated} wrong=${r.wrong}${r.excused ? ` lost-in-marked-gaps=${r.excused}` : ''}${r.phantom ? ` phantom=${r.phantom}` : ''} ${r.seconds.toFixed(1)}s ` +
    `(${[`rows=${r.rawRows}`, ...r.notes].join(' ')})`;
}

/** Prints the run's line at once (not through jest's buffered console) and keeps it for the total. */
export function recordRun(r: RunRecord, failed: boolean): void {
  const lines = [runLine(r), ...(failed ? [...r.problems.map((p) => `    ${p}`), `    kept: ${r.dir}`] : [])];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(path.dirname(runsFile()), { recursive: true });
  appendFileSync(runsFile(), `${JSON.stringify(r)}\n`);
}
