/**
 * Where the real Kafka and NATS of the test run are. scripts/test.sh starts them and exports these;
 * a test that needs one and finds nothing fails loudly rather than passing without it.
 */
export function kafkaBrokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error('KAFKA_BROKERS is not set: run the tests through `npm test`, which starts Kafka');
  return value.split(',');
}

export function natsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** A name no earlier run used: topics, groups, KV buckets and data folders per test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
