import { CompressionTypes, type ICustomPartitioner, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { ExgateError } from '@exgate/errors';
import { kafkaError } from './client';
import { murmur2 } from './murmur2';
// kafkajs requires its produce request, record batch and checksum modules inside a producer's
// first send (src/protocol/requests/produce/index.js), so the first batch's turn read and compiled
// them: 22 ms of a 50 ms stall in the collector's profile under `npm run bench -- series` (ADR 0018).
// Imported here, they load with the process: version 7 (what Kafka 3 negotiates with kafkajs) and
// the older versions it is built on.
import 'kafkajs/src/protocol/requests/produce/v7/request';
import 'kafkajs/src/protocol/requests/produce/v7/response';

export interface KafkaWriterOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly compression?: CompressionTypes;
  /**
   * What a message's partition is chosen by, from its key (default: the key itself). The candle
   * topics key per candle but partition per series, so a series stays in order in one partition.
   */
  readonly partitionKey?: (key: string) => string;
}

/** One message; `topic` defaults to the writer's own (a writer may feed a variant topic too). */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: Uint8Array;
  readonly topic?: string;
}

/**
 * An idempotent producer (acks=all, one request in flight, so its own retries neither duplicate
 * nor reorder) that resolves once the broker acknowledged. Publishes run one after another, so
 * the order of calls is the order in the log for every key.
 *
 * After a failed publish the producer is replaced: the broker may have stored the batch whose
 * answer we lost, and an idempotent producer that resent *different* messages under the same
 * sequence number would have them dropped as duplicates. A new producer id turns that case into
 * a plain duplicate, which consumers absorb (at-least-once, idempotent writes).
 */
export class KeyedKafkaWriter {
  private producer: { instance: Producer; connected: Promise<void> } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: KafkaWriterOptions) {}

  send(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) {
      return Promise.reject(new ExgateError('BUS_UNAVAILABLE', `the ${this.options.topic} writer is closed`, { retriable: false }));
    }
    if (messages.length === 0) return Promise.resolve();
    const sent = this.queue.then(async () => {
      for (const request of requests(messages, this.options.topic)) await this.sendNow(request);
    });
    this.queue = sent.catch(() => {});
    return sent;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    const current = this.producer;
    this.producer = undefined;
    if (current) await current.instance.disconnect();
  }

  private async sendNow(topicMessages: TopicMessages[]): Promise<void> {
    const producer = this.current();
    try {
      await producer.connected;
      await producer.instance.sendBatch({
        acks: -1,
        compression: this.options.compression ?? CompressionTypes.None,
        topicMessages,
      });
    } catch (e) {
      if (this.producer === producer) this.producer = undefined;
      producer.instance.disconnect().catch(() => {});
      throw kafkaError(`cannot publish to ${this.options.topic}`, e);
    }
  }

  private current(): { instance: Producer; connected: Promise<void> } {
    if (!this.producer) {
      const instance = this.options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: keyHashPartitioner(this.options.partitionKey ?? ((key) => key)),
      });
      this.producer = { instance, connected: instance.connect() };
    }
    return this.producer;
  }
}

/**
 * The broker refuses a record batch over `max.message.bytes` (1 MB by default), and the producer
 * puts every message of a send for one partition into one batch: a large publish goes in several
 * sends, in order, each grouped by topic.
 */
export const MAX_SEND_BYTES = 512 * 1024;

function requests(messages: readonly OutgoingMessage[], defaultTopic: string): TopicMessages[][] {
  const out: TopicMessages[][] = [];
  let byTopic = new Map<string, Message[]>();
  let bytes = 0;
  const close = () => {
    if (byTopic.size > 0) out.push([...byTopic].map(([topic, list]) => ({ topic, messages: list })));
    byTopic = new Map();
    bytes = 0;
  };
  for (const m of messages) {
    const size = m.value.byteLength + m.key.length + 64;
    if (bytes > 0 && bytes + size > MAX_SEND_BYTES) close();
    const topic = m.topic ?? defaultTopic;
    const list = byTopic.get(topic) ?? [];
    list.push({ key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength) });
    byTopic.set(topic, list);
    bytes += size;
  }
  close();
  return out;
}

/**
 * Java's default partitioner (murmur2 of the key, modulo the partitions), applied to a key derived
 * from the message key: a key lands on the same partition whoever writes it. Every message of a
 * series has the same partition key, so its hash is kept (kafkajs's own partitioner hashed and
 * filtered the partition list again for each of a publish's thousands of candles). The partition
 * keys are the streams and series of the process, a bounded set; the cache starts over past a
 * limit all the same.
 */
function keyHashPartitioner(partitionKey: (key: string) => string): ICustomPartitioner {
  return () => {
    const hashes = new Map<string, number>();
    return ({ partitionMetadata, message }) => {
      const key = partitionKey(String(message.key));
      let hash = hashes.get(key);
      if (hash === undefined) {
        if (hashes.size >= MAX_CACHED_HASHES) hashes.clear();
        hashes.set(key, (hash = murmur2(key) & 0x7fffffff));
      }
      return hash % partitionMetadata.length;
    };
  };
}

const MAX_CACHED_HASHES = 100_000;
