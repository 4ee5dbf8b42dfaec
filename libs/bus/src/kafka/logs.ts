import type { Candle, TradeBatch } from '@exgate/domain';
import { TurnBudget } from '@exgate/runtime';
import { candleJsonCodec } from '../candle-json';
import { candleCodec, candleMessageKey, candlePartitionKey, splitTradeBatch, tradeBatchCodec, tradeBatchKey, type MessageCodec } from '../codec';
import {
  CANDLES_TOPIC,
  TRADES_PER_MESSAGE,
  TRADES_TOPIC,
  type CandleDelivery,
  type CandleLogReader,
  type CandleLogWriter,
  type ReaderHooks,
  type TradeDelivery,
  type TradeLogReader,
  type TradeLogWriter,
} from '../ports';
import { KafkaGroupReader, type KafkaReaderOptions } from './group-reader';
import { KeyedKafkaWriter, type KafkaWriterOptions, type OutgoingMessage } from './keyed-writer';

type WriterOptions = Omit<KafkaWriterOptions, 'topic'> & { readonly topic?: string };

/** Prints per send: each send waits for the broker's acknowledgement. */
const PRINTS_PER_SEND = 8_000;

/** Trades to `exgate.trades.v1`: TradeBatch messages keyed `exchange:symbol`, at most TRADES_PER_MESSAGE prints each. */
export class KafkaTradeLogWriter implements TradeLogWriter {
  private readonly writer: KeyedKafkaWriter;

  constructor(options: WriterOptions) {
    this.writer = new KeyedKafkaWriter({ ...options, topic: options.topic ?? TRADES_TOPIC });
  }

  /**
   * Encoded and sent a slice of at most PRINTS_PER_SEND prints at a time, each after the previous
   * one was acknowledged, and encoded in turns of the event loop: a flush of 500 streams encoded
   * in one go held the collector's event loop for a quarter of a second, and a slice of 8,000
   * prints with the producer's own work for ~100 ms (ADR 0018). Order per key is kept; a failure part way leaves the
   * earlier slices published, and the collector's retry of the whole publish duplicates them,
   * which the aggregator absorbs (at-least-once).
   */
  async publish(batches: readonly TradeBatch[]): Promise<void> {
    const parts = batches.flatMap((b) => splitTradeBatch(b, TRADES_PER_MESSAGE));
    const budget = TurnBudget.process;
    for (let i = 0; i < parts.length;) {
      const slice: OutgoingMessage[] = [];
      let prints = 0;
      do {
        await budget.pass();
        const part = parts[i++]!;
        slice.push({ key: tradeBatchKey(part), value: tradeBatchCodec.encode(part) });
        prints += part.trades.length;
      } while (i < parts.length && prints + parts[i]!.trades.length <= PRINTS_PER_SEND);
      // The producer's work (grouping, record batch, CRC) in a turn of its own.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.writer.send(slice);
    }
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

export class KafkaTradeLogReader implements TradeLogReader {
  private readonly reader: KafkaGroupReader<TradeBatch>;

  constructor(options: KafkaReaderOptions) {
    this.reader = new KafkaGroupReader({ ...options, topic: options.topic ?? TRADES_TOPIC }, tradeBatchCodec.decode);
  }

  run(handler: (deliveries: readonly TradeDelivery[]) => Promise<void>, hooks?: ReaderHooks): Promise<void> {
    return this.reader.runGroups((records) => handler(records.map((r) => ({ batch: r.value, partition: r.partition, lastOffset: r.offset, payload: r.bytes }))), hooks);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

export type CandleWriterOptions = WriterOptions & {
  /** Also publish every candle, JSON-encoded, to this topic (KAFKA_CANDLES_JSON_TOPIC). */
  readonly jsonTopic?: string;
};

/**
 * Closed and corrected candles to `exgate.candles.v2` (and its JSON variant when configured): one
 * message per candle, keyed `exchange:symbol:interval:openTimeMs`, partitioned by series. Both
 * topics get each publish in one request, in call order, so per key the latest version is last.
 */
export class KafkaCandleLogWriter implements CandleLogWriter {
  private readonly writer: KeyedKafkaWriter;
  private readonly jsonTopic: string | undefined;

  constructor(options: CandleWriterOptions) {
    this.writer = new KeyedKafkaWriter({ ...options, topic: options.topic ?? CANDLES_TOPIC, partitionKey: candlePartitionKey });
    this.jsonTopic = options.jsonTopic;
  }

  publish(candles: readonly Candle[], encoded?: readonly Uint8Array[]): Promise<void> {
    const messages = candles.map((c, i) => ({ key: candleMessageKey(c), value: encoded?.[i] ?? candleCodec.encode(c) }));
    const jsonTopic = this.jsonTopic;
    const json = jsonTopic ? candles.map((c) => ({ key: candleMessageKey(c), value: candleJsonCodec.encode(c), topic: jsonTopic })) : [];
    return this.writer.send([...messages, ...json]);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

export type CandleReaderOptions = KafkaReaderOptions & {
  /** Read the JSON variant topic instead of the protobuf one (give its name as `topic`). */
  readonly encoding?: 'protobuf' | 'json';
};

export class KafkaCandleLogReader implements CandleLogReader {
  private readonly reader: KafkaGroupReader<Candle>;

  constructor(options: CandleReaderOptions) {
    const codec: MessageCodec<Candle> = options.encoding === 'json' ? candleJsonCodec : candleCodec;
    this.reader = new KafkaGroupReader({ ...options, topic: options.topic ?? CANDLES_TOPIC }, codec.decode);
  }

  run(handler: (delivery: CandleDelivery) => Promise<void>, hooks?: ReaderHooks): Promise<void> {
    return this.reader.run((r) => handler({ candle: r.value, key: r.key, partition: r.partition, offset: r.offset }), hooks);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
