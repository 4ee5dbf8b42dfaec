import { ConfigResourceTypes, type Admin } from 'kafkajs';
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
  /** How long to keep trying while the broker answers with a transient error. */
  readonly deadlineMs?: number;
}

const DEFAULT_CONFIGS: Readonly<Record<string, string>> = {
  'retention.ms': String(7 * 24 * 3600 * 1000),
  // acks=all means nothing with fewer in-sync replicas than this; 1 on a single broker.
  'min.insync.replicas': '1',
};

/**
 * The candle topics (protobuf and JSON): compacted, so the latest version of every candle stays
 * for good and a consumer that starts late reads them all (ADR 0015). A candle's versions come
 * within the aggregator's grace window of each other, so superseded ones are few and compaction
 * has little to do: a segment rolls every 6 hours (only rolled segments are compacted), and a
 * version stays at least an hour so a live consumer that lags a little still sees every change.
 */
export const CANDLE_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.ms': String(6 * 3600 * 1000),
  'min.compaction.lag.ms': String(3600 * 1000),
  // Unused while the policy is compact alone; says "forever" should someone add delete.
  'retention.ms': '-1',
};

/**
 * What a broker answers while a topic it just created is still spreading through its metadata,
 * or while a leader is being elected. kafkajs's own waitForLeaders only rides out the second.
 */
const TRANSIENT = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_CONTROLLER', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates the topics exgate needs, leaving existing ones alone (brokers run with topic
 * auto-creation off: a typo must not create a topic). Resolves once every partition of every
 * wanted topic has a leader; transient broker answers are retried until `deadlineMs`.
 */
export async function ensureTopics(admin: Admin, options: EnsureTopicsOptions): Promise<string[]> {
  const wanted = options.topics ?? [TRADES_TOPIC, CANDLES_TOPIC];
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  const created = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    try {
      for (const topic of await createMissing(admin, wanted, options)) created.add(topic);
      if (await allLed(admin, wanted)) return [...created];
    } catch (e) {
      if (!isTransient(e) || Date.now() >= deadline) throw kafkaError(`cannot create topics ${wanted.join(', ')}`, e);
    }
    if (Date.now() >= deadline) throw kafkaError(`cannot create topics ${wanted.join(', ')}`, new Error('timed out waiting for partition leaders'));
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1000)));
  }
}

async function createMissing(admin: Admin, wanted: readonly string[], options: EnsureTopicsOptions): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  const configs = { ...DEFAULT_CONFIGS, ...options.configs };
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (e) {
    // Another instance created it between our list and create: that is what we wanted.
    if (errorTypes(e).every((t) => t === 'TOPIC_ALREADY_EXISTS')) return [];
    throw e;
  }
  return missing;
}

async function allLed(admin: Admin, topics: readonly string[]): Promise<boolean> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
  return topics.every((name) => {
    const partitions = metadata.find((t) => t.name === name)?.partitions ?? [];
    return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
  });
}

interface KafkaJsErrorShape { readonly type?: string; readonly errors?: unknown[]; readonly cause?: unknown; readonly name?: string }

/** The broker's error types in a kafkajs error, its aggregate members and causes. */
function errorTypes(e: unknown): string[] {
  const err = (e ?? {}) as KafkaJsErrorShape;
  const own = err.type ? [err.type] : [];
  const members = Array.isArray(err.errors) ? err.errors.flatMap(errorTypes) : [];
  const cause = err.cause ? errorTypes(err.cause) : [];
  const all = [...own, ...members, ...cause];
  return all.length > 0 ? all : [err.name ?? 'unknown'];
}

function isTransient(e: unknown): boolean {
  const types = errorTypes(e);
  return types.some((t) => TRANSIENT.has(t)) || /Connection|Timeout|NumberOfRetriesExceeded|BrokerNotFound/.test(types.join(' '));
}

/**
 * The configs of an existing topic that differ from `wanted` (name → [actual, wanted]). exgate
 * leaves existing topics alone (an operator may have made them); the caller reports a difference
 * that breaks a promise, such as a candle topic that is not compacted.
 */
export async function topicConfigDrift(
  admin: Admin,
  topic: string,
  wanted: Readonly<Record<string, string>>,
): Promise<Record<string, [actual: string | null, wanted: string]>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: Object.keys(wanted) }],
  });
  const entries = resources[0]?.configEntries ?? [];
  const drift: Record<string, [string | null, string]> = {};
  for (const [name, value] of Object.entries(wanted)) {
    const actual = entries.find((e) => e.configName === name)?.configValue ?? null;
    if (actual !== value) drift[name] = [actual, value];
  }
  return drift;
}
