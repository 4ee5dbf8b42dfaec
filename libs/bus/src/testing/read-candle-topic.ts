import type { Admin, Kafka } from 'kafkajs';
import type { Candle } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { uniqueName } from '@exgate/testing';
import { candleMessageKey } from '../codec';
import { KafkaCandleLogReader } from '../kafka/logs';
import type { CandleDelivery } from '../ports';

/**
 * What a downstream consumer that starts now gets: a new consumer group reads the topic from its
 * start up to its end as of the call, every message in log order.
 */
export async function readCandleTopic(kafka: Kafka, admin: Admin, topic: string, encoding: 'protobuf' | 'json'): Promise<CandleDelivery[]> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const deliveries: CandleDelivery[] = [];
  const reader = new KafkaCandleLogReader({
    kafka, topic, encoding, groupId: uniqueName('late'), logger: silentLogger(), heartbeatIntervalMs: 100, maxWaitTimeMs: 100,
  });
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  if (remaining.size === 0) reached();
  const run = reader.run(async (d) => {
    deliveries.push(d);
    if (BigInt(d.offset) + 1n >= ends.get(d.partition)!) remaining.delete(d.partition);
    if (remaining.size === 0) reached();
  });
  await Promise.race([done, run]);
  await reader.close();
  await run;
  return deliveries;
}

/** The last message of every key, as a compacted topic keeps it, sorted by key. */
export function lastPerKey(deliveries: readonly CandleDelivery[]): Candle[] {
  return sortByKey(new Map(deliveries.map((d) => [d.key, d.candle])));
}

/** The highest version of every candle, sorted by key: what the store keeps. */
export function latestVersions(candles: readonly Candle[]): Candle[] {
  const byKey = new Map<string, Candle>();
  for (const c of candles) {
    const prev = byKey.get(candleMessageKey(c));
    if (!prev || prev.version <= c.version) byKey.set(candleMessageKey(c), c);
  }
  return sortByKey(byKey);
}

function sortByKey(byKey: ReadonlyMap<string, Candle>): Candle[] {
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}
