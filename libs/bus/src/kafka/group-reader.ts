import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import { ExgateError, isExgateError } from '@exgate/errors';
import { TurnBudget, type Logger } from '@exgate/runtime';
import { HandlerRetries, type HandlerRetry, type OnHandlerRetry } from '../handler-retry';
import type { ReaderHooks } from '../ports';
import { DEFAULT_RETRY, kafkaError } from './client';

/** A message without a value (a tombstone): decoded as no bytes. */
const EMPTY = new Uint8Array(0);

export interface KafkaReaderOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly logger: Logger;
  /** Default: the port's topic (exgate.trades.v1 / exgate.candles.v2). */
  readonly topic?: string;
  /** Where a group without committed offsets starts: the earliest retained message (default). */
  readonly fromBeginning?: boolean;
  /** How long the broker waits for a silent member (a crashed process) before it hands its partitions on. */
  readonly sessionTimeoutMs?: number;
  /** Default: a third of the session timeout, at most 3 s (kafkajs needs it below the session timeout). */
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** kafkajs's retries; after a crash it restarts the consumer unless the reader is closing. */
  readonly retry?: RetryOptions;
  /** Longest a fetch waits for new messages: latency of an idle consumer. */
  readonly maxWaitTimeMs?: number;
  /** An undecodable message is skipped (redelivery cannot fix it) and reported here. */
  readonly onMalformed?: (error: ExgateError, where: { partition: number; offset: string }) => void;
  /** A handler's passing failures ridden out (default DEFAULT_HANDLER_RETRY). */
  readonly handlerRetry?: HandlerRetry;
  readonly onHandlerRetry?: OnHandlerRetry;
}

/** One consumer's life: retired once the reader has decided to replace it. */
interface Generation {
  retired: boolean;
}

interface Delivery<V> {
  /** At most this many messages per handler call. */
  readonly groupSize: number;
  readonly handler: (records: readonly KafkaRecord<V>[]) => Promise<void>;
}

export interface KafkaRecord<V> {
  readonly key: string;
  readonly value: V;
  /** The message's bytes, `value` before it was decoded. */
  readonly bytes: Uint8Array;
  readonly partition: number;
  readonly offset: string;
}

/**
 * A consumer-group member with at-least-once delivery: one message at a time per partition (or a
 * fetched batch at a time, runGroups), the offsets resolved after the handler resolved and
 * committed at the end of each fetched batch (and before any rebalance goes ahead). Nothing from a
 * message whose handler rejected on is committed. A passing failure (HandlerRetry) retires the
 * consumer: after a pause a new one joins and the group delivers from the committed offsets, to
 * this reader or to whoever owns the partition by then. Any other failure stops the reader.
 *
 * `run` settles when the reader stops: it resolves after close() and rejects with the handler's
 * error, or with BUS_UNAVAILABLE when no broker answers at start; a consumer that crashes later is
 * replaced, with backoff.
 */
export class KafkaGroupReader<V> {
  private consumer: Consumer | undefined;
  private readonly log: Logger;
  private readonly topic: string;
  private hooks: ReaderHooks = {};
  private assigned: number[] = [];
  /** The hooks of the latest membership change; deliveries wait for them. */
  private membership: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private stopping: Promise<void> | undefined;
  private started: Promise<void> = Promise.resolve();
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private relaunches = 0;
  private readonly retries: HandlerRetries;

  constructor(
    private readonly options: KafkaReaderOptions & { readonly topic: string },
    private readonly decode: (bytes: Uint8Array) => V,
  ) {
    this.topic = options.topic;
    this.retries = new HandlerRetries(options.handlerRetry, options.onHandlerRetry);
    this.log = options.logger.child({ component: 'kafka-reader', topic: this.topic, groupId: options.groupId });
  }

  /** One message at a time: its offset is resolved as soon as its handler resolved. */
  run(handler: (record: KafkaRecord<V>) => Promise<void>, hooks: ReaderHooks = {}): Promise<void> {
    return this.start({ groupSize: 1, handler: ([record]) => handler(record!) }, hooks);
  }

  /**
   * The decodable messages of each fetched batch (one partition's, consecutive) at once, so the
   * handler can write them to its store in one request; all their offsets resolve together.
   */
  runGroups(handler: (records: readonly KafkaRecord<V>[]) => Promise<void>, hooks: ReaderHooks = {}): Promise<void> {
    return this.start({ groupSize: Infinity, handler }, hooks);
  }

  private start(delivery: Delivery<V>, hooks: ReaderHooks): Promise<void> {
    if (this.consumer) throw new Error('reader is already running');
    this.hooks = hooks;
    const outcome = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.launch(delivery, true);
    return outcome;
  }

  /**
   * Starts a consumer. kafkajs gives up for good on some errors it calls non-retriable (e.g. no
   * group coordinator while a broker restarts); the reader then starts a new consumer with
   * backoff rather than stop consuming until someone restarts the process.
   */
  private launch(delivery: Delivery<V>, first = false): void {
    const o = this.options;
    const sessionTimeout = o.sessionTimeoutMs ?? 30_000;
    const generation: Generation = { retired: false };
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout,
      // A third leaves room for two late heartbeats before the broker gives up on us.
      heartbeatInterval: o.heartbeatIntervalMs ?? Math.min(3000, Math.floor(sessionTimeout / 3)),
      rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 250,
      allowAutoTopicCreation: false,
      retry: { ...(o.retry ?? DEFAULT_RETRY), restartOnFailure: async () => !this.stopping && !generation.retired },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.joined(e.payload.memberAssignment[this.topic] ?? []));
    consumer.on(consumer.events.CRASH, (e) => {
      this.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      // A retired consumer has handed its partitions back already, and its successor is on its way.
      if (generation.retired) return;
      this.membershipChanged([]);
      if (e.payload.restart || this.stopping || this.failure !== undefined) return;
      generation.retired = true;
      this.replace(consumer, delivery, Math.min(30_000, 1_000 * 2 ** Math.min(this.relaunches++, 5)));
    });
    const start = async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: o.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.eachBatch(payload, delivery, consumer, generation),
      });
    };
    // A first consumer that cannot start at all (no broker answers) ends the reader with
    // BUS_UNAVAILABLE; one that crashes after it ran is replaced (CRASH above). A replacement that
    // cannot start (the broker still away) is one more passing failure in a row.
    this.started = start().catch((e: unknown) => {
      const error = kafkaError(`cannot consume ${this.topic}`, e);
      if (first) this.fail(error);
      else this.retryOrFail(error, consumer, delivery, generation, 'a new consumer could not start; trying again after a pause');
    });
  }

  /** A new consumer after `delayMs`, once the retired one has left (its eachBatch finished). */
  private replace(dead: Consumer, delivery: Delivery<V>, delayMs: number): void {
    setTimeout(() => {
      void (async () => {
        await dead.disconnect().catch(() => undefined);
        if (this.stopping || this.failure !== undefined) return;
        this.log.warn({ delayMs }, 'starting a new consumer');
        this.launch(delivery);
      })();
    }, delayMs).unref();
  }

  /**
   * The handler rejected, or a new consumer could not start. A passing failure retires this
   * consumer: its partitions are handed back (onRevoked: whatever the handler held of them may be
   * ahead of what was committed) and a new consumer resumes from the committed offsets. Anything
   * else stops the reader.
   */
  private retryOrFail(error: unknown, consumer: Consumer, delivery: Delivery<V>, generation: Generation, why: string): void {
    const delayMs = this.stopping ? undefined : this.retries.next(error);
    if (delayMs === undefined) {
      this.fail(error);
      return;
    }
    generation.retired = true;
    this.log.warn({ err: error, failuresInARow: this.retries.count, delayMs }, why);
    this.membershipChanged([]);
    this.replace(consumer, delivery, delayMs);
  }

  close(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async eachBatch(p: EachBatchPayload, delivery: Delivery<V>, consumer: Consumer, generation: Generation): Promise<void> {
    await this.membership;
    const { batch } = p;
    const commit = () => p.commitOffsetsIfNecessary(p.uncommittedOffsets());
    for (let i = 0; i < batch.messages.length; i += delivery.groupSize) {
      if (!p.isRunning() || p.isStale() || this.stopping || this.failure !== undefined || generation.retired) break;
      const messages = batch.messages.slice(i, i + delivery.groupSize);
      try {
        const records: KafkaRecord<V>[] = [];
        // A group of 500 streams' messages decoded in one turn held the loop for ~50 ms.
        const budget = TurnBudget.process;
        for (const message of messages) {
          await budget.pass();
          const bytes = message.value ?? EMPTY;
          const value = this.decodeOrSkip(bytes, batch.partition, message.offset);
          if (value !== undefined) records.push({ key: message.key?.toString('utf8') ?? '', value, bytes, partition: batch.partition, offset: message.offset });
        }
        if (records.length > 0) await delivery.handler(records);
        this.retries.succeeded();
      } catch (e) {
        p.pause();
        this.retryOrFail(e, consumer, delivery, generation, 'handler failed; delivering again from the committed offsets after a pause');
        break;
      }
      p.resolveOffset(messages[messages.length - 1]!.offset);
      try {
        await p.heartbeat();
      } catch (e) {
        // A rebalance is starting: keep what was done, then let kafkajs rejoin.
        await commit();
        throw e;
      }
    }
    // A retired consumer keeps what was done if the broker takes it, and must not crash: kafkajs
    // would restart it beside its successor.
    if (generation.retired) await commit().catch(() => undefined);
    else await commit();
  }

  private decodeOrSkip(bytes: Uint8Array, partition: number, offset: string): V | undefined {
    try {
      return this.decode(bytes);
    } catch (e) {
      if (!isExgateError(e, 'MALFORMED_FRAME')) throw e;
      this.log.error({ err: e, partition, offset }, 'skipping an undecodable message');
      this.options.onMalformed?.(e, { partition, offset });
      return undefined;
    }
  }

  private joined(partitions: number[]): void {
    this.relaunches = 0;
    this.log.info({ partitions }, 'partitions assigned');
    this.membershipChanged(partitions);
  }

  private membershipChanged(next: number[]): void {
    const revoked = this.assigned.filter((p) => !next.includes(p));
    const added = next.filter((p) => !this.assigned.includes(p));
    this.assigned = next;
    this.membership = this.membership.then(async () => {
      try {
        if (revoked.length > 0) await this.hooks.onRevoked?.(revoked);
        if (added.length > 0) await this.hooks.onAssigned?.(added);
      } catch (e) {
        this.fail(e);
      }
    });
  }

  private fail(error: unknown): void {
    if (this.failure === undefined) this.failure = error;
    // Not awaited here: we may be inside eachBatch, which disconnect() waits for.
    if (!this.stopping) setImmediate(() => void this.close());
  }

  private async stop(): Promise<void> {
    // kafkajs ignores a stop that lands while the consumer is still starting, and then runs on.
    await this.started;
    try {
      await this.consumer?.disconnect();
    } catch (e) {
      this.log.warn({ err: e }, 'disconnect failed');
    }
    if (this.failure === undefined) this.membershipChanged([]);
    await this.membership;
    if (this.failure !== undefined) this.settle?.reject(this.failure);
    else this.settle?.resolve();
  }
}
