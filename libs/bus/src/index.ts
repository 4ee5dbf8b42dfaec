export * from './ports';
export { DEFAULT_HANDLER_RETRY, type HandlerRetry, type OnHandlerRetry } from './handler-retry';
export { encodeKvKey, decodeKvKey } from './kv-keys';
export { subjectMatches, isValidSubject, isValidPattern } from './subject';
export { tradeBatchCodec, candleCodec, candleMessageKey, candlePartitionKey, type MessageCodec } from './codec';
export { candleJsonCodec, candleToJson, candleFromJson, type CandleJson } from './candle-json';
export { PartitionedLog, type PartitionedLogOptions } from './memory/partitioned-log';
export { MemoryTradeLog, MemoryCandleLog, type MemoryReaderOptions } from './memory/logs';
export { MemoryEventBus } from './memory/event-bus';
export { FileKeyValueStore } from './memory/file-kv';
export { MemoryKeyValueStore } from './memory/memory-kv';
export { createKafka, kafkaError, DEFAULT_RETRY, type KafkaOptions } from './kafka/client';
export { ensureTopics, topicConfigDrift, CANDLE_TOPIC_CONFIGS, type EnsureTopicsOptions } from './kafka/topics';
export {
  KafkaTradeLogWriter, KafkaTradeLogReader, KafkaCandleLogWriter, KafkaCandleLogReader, type CandleWriterOptions, type CandleReaderOptions,
} from './kafka/logs';
export type { KafkaReaderOptions } from './kafka/group-reader';
export { connectNats, natsError, type NatsOptions } from './nats/connect';
export { NatsEventBus, type NatsEventBusOptions } from './nats/event-bus';
export { NatsKeyValueStore, type NatsKvOptions } from './nats/kv';
export * from './records';
