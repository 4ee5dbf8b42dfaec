import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@exgate/testing';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  readonly exit: Promise<number | null>;
}

/** A service's own main.ts as a child process, configured like a pod: by environment only. */
export function spawnService(name: 'collector' | 'aggregator' | 'scheduler' | 'api', env: Readonly<Record<string, string>>): ServiceProcess {
  // node with tsx's loader, not the tsx CLI: the CLI runs node as a grandchild, which a SIGKILL
  // of the child would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'services', name, 'src', 'main.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', OPS_PORT: '0', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit };
}
