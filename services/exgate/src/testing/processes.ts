import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
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

export interface NpmStart extends ServiceProcess {
  /** `http://127.0.0.1:<port>`, from its "exgate is serving" line. */
  readonly base: string;
  /** Every stdout line so far (JSON: stdout is a pipe), growing while it runs. */
  readonly logLines: readonly string[];
  /** SIGKILL to the whole process group unless it has ended; resolves once it has. */
  kill(): Promise<void>;
}

/**
 * `npm start -- ARGS` exactly as the README shows it, in its own process group (so a signal
 * reaches npm and node alike, as from a terminal). Resolves once it serves.
 */
export async function npmStart(args: readonly string[], env: Readonly<Record<string, string>>): Promise<NpmStart> {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: repoRoot,
    env: { ...process.env, API_PORT: '0', LOG_LEVEL: 'info', KAFKA_BROKERS: '', EXGATE_NAMESPACE: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  // 'close': npm and everything that shares its stdout (node) have ended.
  let closed = false;
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => {
    closed = true;
    resolve(code);
  }));
  const logLines: string[] = [];
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line);
      const m = /"url":"(http:\/\/[^"]+)"/.exec(line);
      if (m && line.includes('exgate is serving')) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`npm start exited early (${code})`)));
  });
  return {
    child, exit, base, logLines,
    async kill() {
      if (!closed) process.kill(-child.pid!, 'SIGKILL');
      await exit;
    },
  };
}
