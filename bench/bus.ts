import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Kafka and NATS as the tests have them: started when not running (deploy/local/*.sh), so a
 * benchmark of the distributed pipeline runs on a fresh clone as `npm test` does. An address
 * already in KAFKA_BROKERS or NATS_URL is used as it is.
 */
export function ensureBus(): { brokers: string; natsUrl: string } {
  const root = path.resolve(__dirname, '..');
  process.env.KAFKA_BROKERS ??= execFileSync('bash', [path.join(root, 'deploy/local/kafka.sh'), 'start'], { encoding: 'utf8' }).trim();
  process.env.NATS_URL ??= execFileSync('bash', [path.join(root, 'deploy/local/nats.sh'), 'start'], { encoding: 'utf8' }).trim();
  return { brokers: process.env.KAFKA_BROKERS, natsUrl: process.env.NATS_URL };
}
