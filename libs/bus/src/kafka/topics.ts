import type { Admin } from 'kafkajs';
import { CANDLES_TOPIC, TRADES_TOPIC } from '../ports';
import { kafkaError } from './client';

export interface EnsureTopicsOptions {
  /** Partitions of a topic this call creates (existing topics keep theirs). */
  readonly partitions: number;
  readonly replicationFactor?: number;
  /** Default: the trades and candles topics. */
  readonly topics?: readonly string[];
  /** Topic configs, e.g. retention; defaults keep a week of trades so consumers can replay. */
  readonly configs?: Readonly<Record<string, string>>;
}

const DEFAULT_CONFIGS: Readonly<Record<string, string>> = {
  'retention.ms': String(7 * 24 * 3600 * 1000),
  // acks=all means nothing with fewer in-sync replicas than this; 1 on a single broker.
  'min.insync.replicas': '1',
};

/**
 * Creates the topics exgate needs, leaving existing ones alone (brokers run with topic
 * auto-creation off: a typo must not create a topic). Resolves once every partition has a leader.
 */
export async function ensureTopics(admin: Admin, options: EnsureTopicsOptions): Promise<string[]> {
  const wanted = options.topics ?? [TRADES_TOPIC, CANDLES_TOPIC];
  const configs = { ...DEFAULT_CONFIGS, ...options.configs };
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing;
  } catch (e) {
    // Another instance created it between our list and create: that is what we wanted.
    if ((e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return [];
    throw kafkaError(`cannot create topics ${wanted.join(', ')}`, e);
  }
}
