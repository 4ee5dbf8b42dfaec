import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export interface KafkaEngineJob {
  /** The child's own chdb folder. */
  readonly dataDir: string;
  readonly statements: readonly string[];
  /** Polled until it returns `expect` rows or `timeoutMs` passed. */
  readonly query: string;
  readonly expect: number;
  readonly timeoutMs: number;
}

/**
 * Runs ClickHouse's Kafka engine in a process of its own (kafka-engine-child.mjs says why) and returns
 * the rows of the last poll.
 */
export async function runKafkaEngine(job: KafkaEngineJob): Promise<Record<string, string | number | boolean | null>[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'kafka-engine-child.mjs')], {
    env: { ...process.env, KAFKA_ENGINE_JOB: JSON.stringify(job) },
    timeout: job.timeoutMs + 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, string | number | boolean | null>[];
}
