import type { Candle, TradeBatch } from '@exgate/domain';

/**
 * The bus, as the services see it. Kafka carries what must not be lost (trades, closed candles);
 * NATS carries what is live or small (candle updates, scanner ticks, control state). The embedded
 * mode implements the same ports in memory.
 */

/** Kafka topic `exgate.trades.v1`, keyed by `exchange:symbol`. */
export const TRADES_TOPIC = 'exgate.trades.v1';
/**
 * Kafka topic `exgate.candles.v2`: closed and corrected candles, one `exgate.v1.Candle` per message,
 * keyed per candle `exchange:symbol:interval:openTimeMs` and compacted, so a consumer that starts
 * late still reads the latest version of every candle (docs/kafka.md, ADR 0015). v1 was keyed per
 * series with 7-day retention.
 */
export const CANDLES_TOPIC = 'exgate.candles.v2';
/** The same candles and keys as JSON (docs/kafka.md), when KAFKA_CANDLES_JSON is on. */
export const CANDLES_JSON_TOPIC = 'exgate.candles-json.v2';

export interface TradeLogWriter {
  /**
   * Appends one TradeBatch per stream (domain type: prints + watermark + unfillable gap); one Kafka
   * message per batch, keyed `exchange:symbol`, encoded with `@exgate/proto`'s TradeBatch codec.
   * Resolves only once the log acknowledged them durably (Kafka: idempotent producer, acks=all).
   * Order within one stream key is preserved.
   */
  publish(batches: readonly TradeBatch[]): Promise<void>;
  close(): Promise<void>;
}

/** One message handed to a consumer: a TradeBatch of one stream, in log order. */
export interface TradeDelivery {
  readonly batch: TradeBatch;
  /** Where the batch sits in the log (Kafka: topic partition); for logs and metrics. */
  readonly partition: number;
  /** Offset of the last message of the batch, as a decimal string. */
  readonly lastOffset: string;
  /**
   * The message's bytes (TradeBatch codec), where the log holds bytes (Kafka): a consumer that
   * passes the batch on unchanged sends these rather than encoding it again.
   */
  readonly payload?: Uint8Array;
}

export interface TradeLogReader {
  /**
   * Joins the consumer group and delivers messages in groups until closed: each group is
   * consecutive messages of one partition, as fetched (Kafka: a fetched batch; memory: up to 1,000
   * appended), in log order, so per stream key. A consumer writes a group to its store in one
   * request: with hundreds of streams a message holds few prints, and a request per message was
   * the cost (ADR 0018). The position advances (Kafka: offsets are committed) past a group only
   * after the handler's promise resolves: at-least-once; a message may come again after a crash
   * or a rebalance, never be skipped. Undecodable messages are logged and left out of the group.
   *
   * The returned promise settles when the reader stops — so don't await it at start-up (use
   * `hooks.onAssigned` to learn that the reader is live): it resolves after close(), and rejects
   * when the handler rejected (delivery stops; that message was not committed and is delivered
   * again to the next owner of its partition) or when the bus gave up (ExgateError BUS_UNAVAILABLE).
   * A handler that rejects with a retriable ExgateError (the store or the bus away for a moment)
   * does not stop it: after a pause the uncommitted messages come again, up to a number of times
   * in a row (HandlerRetry). With Kafka they come through a new consumer, so onRevoked and
   * onAssigned run in between and another reader may get them.
   */
  run(handler: (deliveries: readonly TradeDelivery[]) => Promise<void>, hooks?: ReaderHooks): Promise<void>;
  /** Lets the group in flight finish (and commit), calls onRevoked with what it owned, leaves the group. */
  close(): Promise<void>;
}

/**
 * Partition ownership changes. No delivery starts while a hook runs. A delivery in flight when its
 * partition moves finishes and commits first (nothing done is lost); the partition then continues
 * from the committed position with its new owner. With Kafka, onRevoked runs once the group has
 * re-formed, so the new owner may already be consuming: handlers must be idempotent anyway.
 */
export interface ReaderHooks {
  /** Partitions were taken away (rebalance, close): drop or flush what belongs to them. */
  onRevoked?(partitions: readonly number[]): Promise<void>;
  /** Partitions were given to this reader (also the first assignment after run). */
  onAssigned?(partitions: readonly number[]): Promise<void>;
}

export interface CandleLogWriter {
  /**
   * One message per candle, keyed `exchange:symbol:interval:openTimeMs` (candleMessageKey) and
   * partitioned by `exchange:symbol:interval`, acknowledged like trades. Calls are written in call
   * order, so a candle's versions appear in the log in the order they were published.
   * `encoded`, when given, holds each candle's bytes (Candle codec), in the same order: a caller
   * that has them already (for its live updates) saves their encoding a second time.
   */
  publish(candles: readonly Candle[], encoded?: readonly Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

/** One candle as read from the log. */
export interface CandleDelivery {
  readonly candle: Candle;
  /** `exchange:symbol:interval:openTimeMs`. */
  readonly key: string;
  readonly partition: number;
  readonly offset: string;
}

/** Same semantics as TradeLogReader; each delivery is one candle, in log order per series. */
export interface CandleLogReader {
  run(handler: (delivery: CandleDelivery) => Promise<void>, hooks?: ReaderHooks): Promise<void>;
  close(): Promise<void>;
}

/** NATS core pub/sub (fire and forget), used for live updates and ticks. */
export interface EventBus {
  publish(subject: string, payload: Uint8Array): void;
  /** Subjects may use NATS wildcards (`*`, `>`); the in-memory bus honours them too. */
  subscribe(subject: string, handler: (payload: Uint8Array, subject: string) => void): Unsubscribe;
  /** Resolves once everything published so far reached the server. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type Unsubscribe = () => void;

/** A persistent map with change notifications (NATS JetStream KV; a JSON file when embedded). */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Resolves false when the key did not exist. */
  delete(key: string): Promise<boolean>;
  entries(): Promise<ReadonlyMap<string, string>>;
  /** Calls back on every put/delete after the call (value undefined on delete). */
  watch(handler: (key: string, value: string | undefined) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Subjects on the event bus. */
export const subjects = {
  /** Live candle updates: forming, closed, corrected. */
  candle: (exchange: string, symbol: string, interval: string) =>
    `exgate.candles.${exchange}.${symbol}.${interval}`,
  allCandles: 'exgate.candles.>',
  /** Live prints of a stream, after they are stored (TradeBatch codec, at most LIVE_TRADES_PER_MESSAGE each). */
  trades: (exchange: string, symbol: string) => `exgate.trades.${exchange}.${symbol}`,
  /** Scanner ticks of a schedule for an exchange. */
  tick: (exchange: string) => `exgate.ticks.${exchange}`,
  allTicks: 'exgate.ticks.*',
} as const;

/** A live-trade message stays far below NATS's 1 MiB default payload (a print encodes to < 100 bytes). */
export const LIVE_TRADES_PER_MESSAGE = 2_000;

/**
 * A trades-topic message likewise stays far below Kafka's default 1 MB message size: a stream that
 * collected more in one flush (a backlog, a catch-up, a fast exchange) sends several, in order.
 */
export const TRADES_PER_MESSAGE = 2_000;

/** KV buckets. */
export const buckets = {
  /** key `exchange.SYMBOL` → JSON {exchange, symbol, interval, since}: what the collector pulls. */
  subscriptions: 'exgate_subscriptions',
  /** key `exchange.schedule` → JSON {exchange, schedule, since}: scanner schedules. */
  schedules: 'exgate_schedules',
} as const;
