import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { ExgateError } from '@exgate/errors';
import { kafkaError } from './client';

export interface KafkaWriterOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly compression?: CompressionTypes;
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

  send(messages: readonly { key: string; value: Uint8Array }[]): Promise<void> {
    if (this.closed) {
      return Promise.reject(new ExgateError('BUS_UNAVAILABLE', `the ${this.options.topic} writer is closed`, { retriable: false }));
    }
    if (messages.length === 0) return Promise.resolve();
    const kafkaMessages: Message[] = messages.map((m) => ({
      key: m.key,
      value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
    }));
    const sent = this.queue.then(async () => {
      for (const request of requests(kafkaMessages)) await this.sendNow(request);
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

  private async sendNow(messages: Message[]): Promise<void> {
    const producer = this.current();
    try {
      await producer.connected;
      await producer.instance.send({
        topic: this.options.topic,
        acks: -1,
        compression: this.options.compression ?? CompressionTypes.None,
        messages,
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
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = { instance, connected: instance.connect() };
    }
    return this.producer;
  }
}

/**
 * The broker refuses a record batch over `max.message.bytes` (1 MB by default), and the producer
 * puts every message of a send for one partition into one batch: a large publish goes in several
 * sends, in order.
 */
export const MAX_SEND_BYTES = 512 * 1024;

function requests(messages: readonly Message[]): Message[][] {
  const out: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value as Buffer).byteLength + 64;
    if (current.length > 0 && bytes + size > MAX_SEND_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
