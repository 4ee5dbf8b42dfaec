import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import type { NatsConnection } from 'nats';
import {
  CANDLE_TOPIC_CONFIGS, CANDLES_JSON_TOPIC, CANDLES_TOPIC, TRADES_TOPIC, connectNats, createKafka, ensureTopics, FileKeyValueStore,
  KafkaCandleLogWriter, KafkaTradeLogReader, topicConfigDrift,
  KafkaTradeLogWriter, MemoryCandleLog, MemoryEventBus, MemoryTradeLog, NatsEventBus, NatsKeyValueStore,
  type CandleLogWriter, type EventBus, type KeyValueStore, type OnHandlerRetry, type TradeLogReader, type TradeLogWriter,
} from '@exgate/bus';
import type { Logger } from '@exgate/runtime';
import path from 'node:path';
import type { CommonEnv } from './env';

/** Consumer-group tuning; only the distributed bus has sessions (the embedded one ignores it). */
export interface TradeReaderOptions {
  /** How long Kafka waits for a silent member before its partitions go to the others (default 30 s). */
  readonly sessionTimeoutMs?: number;
  /** Each passing handler failure the reader rides out (ADR 0002): for a metric. */
  readonly onHandlerRetry?: OnHandlerRetry;
}

/** What services take from the bus; both run modes provide it. */
export interface Bus {
  tradeWriter(): TradeLogWriter;
  tradeReader(groupId: string, options?: TradeReaderOptions): TradeLogReader;
  candleWriter(): CandleLogWriter;
  readonly events: EventBus;
  kv(bucket: string): Promise<KeyValueStore>;
  close(): Promise<void>;
}

export interface DistributedBus extends Bus {
  readonly kafka: Kafka;
  readonly nats: NatsConnection;
}

/**
 * Topic, group and bucket names inside a namespace ('' = the plain names). Event subjects get the
 * same `<namespace>.` prefix from the NatsEventBus itself, so services keep building plain ones.
 */
export function namespaced(namespace: string) {
  const dotted = (name: string) => (namespace ? `${namespace}.${name}` : name);
  return {
    tradesTopic: dotted(TRADES_TOPIC),
    candlesTopic: dotted(CANDLES_TOPIC),
    candlesJsonTopic: dotted(CANDLES_JSON_TOPIC),
    group: dotted,
    bucket: (name: string) => (namespace ? `${namespace.replace(/-/g, '_')}_${name}` : name),
  };
}

type BusConfig = Pick<CommonEnv, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID' | 'KAFKA_PARTITIONS' | 'NATS_URL' | 'EXGATE_NAMESPACE'> &
  Partial<Pick<CommonEnv, 'KAFKA_CANDLES_JSON' | 'KAFKA_COMPRESSION'>>;

/**
 * Kafka for the logs (topics created if missing), NATS for events and KV. Services that never
 * touch the logs (scheduler, api) pass `kafka: false` and connect nothing to Kafka.
 */
export async function connectDistributedBus(
  config: BusConfig,
  logger: Logger,
  name: string,
  options: { readonly kafka: boolean } = { kafka: true },
): Promise<DistributedBus> {
  const names = namespaced(config.EXGATE_NAMESPACE);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-${name}`, logger });
  const candleTopics = [names.candlesTopic, ...(config.KAFKA_CANDLES_JSON ? [names.candlesJsonTopic] : [])];
  if (options.kafka) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, { partitions: config.KAFKA_PARTITIONS, topics: [names.tradesTopic] });
      await ensureTopics(admin, { partitions: config.KAFKA_PARTITIONS, topics: candleTopics, configs: CANDLE_TOPIC_CONFIGS });
      await warnUncompacted(admin, candleTopics, logger);
    } finally {
      await admin.disconnect();
    }
  }
  const nats = await connectNats({ url: config.NATS_URL, name: `exgate-${name}`, logger });
  const events = new NatsEventBus(nats, { logger, namespace: config.EXGATE_NAMESPACE });
  const closers: (() => Promise<void>)[] = [];
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    closers.push(() => x.close());
    return x;
  };
  return {
    kafka, nats, events,
    tradeWriter: () => track(new KafkaTradeLogWriter({
      kafka, topic: names.tradesTopic, compression: config.KAFKA_COMPRESSION === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    })),
    tradeReader: (groupId, tuning = {}) => track(new KafkaTradeLogReader({
      kafka, groupId: names.group(groupId), logger, topic: names.tradesTopic, ...tuning,
    })),
    candleWriter: () => track(new KafkaCandleLogWriter({
      kafka, topic: names.candlesTopic, jsonTopic: config.KAFKA_CANDLES_JSON ? names.candlesJsonTopic : undefined,
    })),
    kv: async (bucket) => track(await NatsKeyValueStore.open(nats, names.bucket(bucket), { logger })),
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await events.close();
      await nats.drain().catch(() => undefined);
    },
  };
}

/**
 * A candle topic someone created beforehand without compaction forgets candles, which breaks what
 * downstream consumers are promised; exgate leaves existing topics alone, so it says how to fix it.
 */
async function warnUncompacted(admin: Admin, topics: readonly string[], logger: Logger): Promise<void> {
  for (const topic of topics) {
    const drift = await topicConfigDrift(admin, topic, { 'cleanup.policy': CANDLE_TOPIC_CONFIGS['cleanup.policy']! });
    if (Object.keys(drift).length === 0) continue;
    logger.warn(
      { topic, drift, fix: `kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact` },
      'candle topic is not compacted: late consumers will miss candles (docs/kafka.md)',
    );
  }
}

/** One process: logs and events in memory, KV buckets as JSON files in the data folder. */
export function createEmbeddedBus(dataDir: string): Bus & { readonly trades: MemoryTradeLog; readonly candles: MemoryCandleLog } {
  const trades = new MemoryTradeLog();
  // Nothing in the process consumes candles from the log (the API follows the event bus), so it
  // keeps only the newest few thousand per partition for a consumer that joins, not 100,000: a
  // replay publishes hundreds of thousands, and holding them all was garbage-collection work.
  const candles = new MemoryCandleLog({ maxRecordsPerPartition: 5_000 });
  const events = new MemoryEventBus();
  const open: KeyValueStore[] = [];
  return {
    trades, candles, events,
    tradeWriter: () => trades.writer(),
    tradeReader: (groupId, options = {}) => trades.reader({ groupId, ...(options.onHandlerRetry ? { onHandlerRetry: options.onHandlerRetry } : {}) }),
    candleWriter: () => candles.writer(),
    kv: async (bucket) => {
      const kv = await FileKeyValueStore.open(path.join(dataDir, `${bucket}.json`));
      open.push(kv);
      return kv;
    },
    async close() {
      for (const kv of open) await kv.close();
      await events.close();
    },
  };
}
