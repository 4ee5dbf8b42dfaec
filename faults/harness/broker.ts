import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, repoRoot } from '@exgate/testing';

const run = promisify(execFile);

/**
 * A Kafka broker of the suite's own (deploy/local/kafka.sh on another port, same jars), so that
 * restarting it leaves the shared broker of every other test alone.
 */
export class PrivateBroker {
  constructor(readonly port: number) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  private async script(command: 'start' | 'stop' | 'restart' | 'status'): Promise<void> {
    await run('bash', [path.join(repoRoot, 'deploy', 'local', 'kafka.sh'), command], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_HEAP: '-Xmx384m -Xms128m' },
      timeout: 180_000,
    });
  }

  start(): Promise<void> {
    return this.script('start');
  }

  /**
   * Stop (SIGTERM, as an orchestrator does) and start again on the same data. Under load kafka.sh
   * can report "exited during startup" for a broker that is starting fine (its first liveness check
   * may read /proc/<pid>/cmdline before the background child has exec'd java), so a failed restart
   * is judged by whether the broker comes up after all.
   */
  async restart(): Promise<void> {
    try {
      await this.script('restart');
    } catch (e) {
      const up = () => this.script('status').then(() => true, () => false);
      await eventually(up, { what: 'the broker to come up', timeoutMs: 90_000, intervalMs: 500 }).catch(() => {
        throw e;
      });
    }
  }

  async destroy(): Promise<void> {
    await this.script('stop');
    await rm(path.join(repoRoot, '.local', 'kafka', String(this.port)), { recursive: true, force: true });
    await rm(path.join(repoRoot, '.local', 'kafka', `server-${this.port}.log`), { force: true });
  }
}
