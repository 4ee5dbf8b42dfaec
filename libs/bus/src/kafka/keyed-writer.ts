import { CompressionTypes, Partitioners, type ICustomPartitioner, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { ExgateError } from '@exgate/errors';
import { kafkaError } from './client';

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
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const topic = m.topic ?? this.options.topic;
      const list = byTopic.get(topic) ?? [];
      list.push({ key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength) });
      byTopic.set(topic, list);
    }
    const topicMessages = [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
    const sent = this.queue.then(() => this.sendNow(topicMessages));
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
        // murmur2, as the Java client: a key lands on the same partition whoever writes it.
        createPartitioner: this.options.partitionKey ? partitionedBy(this.options.partitionKey) : Partitioners.DefaultPartitioner,
      });
      this.producer = { instance, connected: instance.connect() };
    }
    return this.producer;
  }
}

/** Java's default partitioner (murmur2), applied to a key derived from the message key. */
function partitionedBy(partitionKey: (key: string) => string): ICustomPartitioner {
  return () => {
    const murmur2 = Partitioners.DefaultPartitioner();
    return ({ topic, partitionMetadata, message }) =>
      murmur2({ topic, partitionMetadata, message: { ...message, key: partitionKey(String(message.key)) } });
  };
}
