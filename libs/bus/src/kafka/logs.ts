import type { Candle, TradeBatch } from '@exgate/domain';
import { candleBatchCodec, groupCandles, tradeBatchCodec, tradeBatchKey } from '../codec';
import {
  CANDLES_TOPIC,
  TRADES_TOPIC,
  type CandleLogReader,
  type CandleLogWriter,
  type ReaderHooks,
  type TradeDelivery,
  type TradeLogReader,
  type TradeLogWriter,
} from '../ports';
import { KafkaGroupReader, type KafkaReaderOptions } from './group-reader';
import { KeyedKafkaWriter, type KafkaWriterOptions } from './keyed-writer';
import { chunks, MAX_CANDLES_PER_MESSAGE, sendGroups, splitTradeBatch } from './split';

type WriterOptions = Omit<KafkaWriterOptions, 'topic'> & { readonly topic?: string };

/** Trades to `exgate.trades.v1`: one TradeBatch message per stream batch, keyed `exchange:symbol`. */
export class KafkaTradeLogWriter implements TradeLogWriter {
  private readonly writer: KeyedKafkaWriter;

  constructor(options: WriterOptions) {
    this.writer = new KeyedKafkaWriter({ ...options, topic: options.topic ?? TRADES_TOPIC });
  }

  /**
   * Large batches go as several messages and several requests (split.ts), one after another: a
   * failure part way makes the caller publish again, and the aggregator absorbs the duplicates.
   */
  async publish(batches: readonly TradeBatch[]): Promise<void> {
    const messages = batches.flatMap((b) => splitTradeBatch(b)).map((b) => ({ key: tradeBatchKey(b), value: tradeBatchCodec.encode(b) }));
    for (const group of sendGroups(messages)) await this.writer.send(group);
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

  run(handler: (delivery: TradeDelivery) => Promise<void>, hooks?: ReaderHooks): Promise<void> {
    return this.reader.run((r) => handler({ batch: r.value, partition: r.partition, lastOffset: r.offset }), hooks);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

/** Closed and corrected candles to `exgate.candles.v1`: one CandleBatch per `exchange:symbol:interval`. */
export class KafkaCandleLogWriter implements CandleLogWriter {
  private readonly writer: KeyedKafkaWriter;

  constructor(options: WriterOptions) {
    this.writer = new KeyedKafkaWriter({ ...options, topic: options.topic ?? CANDLES_TOPIC });
  }

  /** In requests under the broker's limit (split.ts), one after another, as the trade writer. */
  async publish(candles: readonly Candle[]): Promise<void> {
    const messages = [...groupCandles(candles)].flatMap(([key, group]) => chunks(group, MAX_CANDLES_PER_MESSAGE).map((part) => ({ key, value: candleBatchCodec.encode(part) })));
    for (const group of sendGroups(messages)) await this.writer.send(group);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

export class KafkaCandleLogReader implements CandleLogReader {
  private readonly reader: KafkaGroupReader<readonly Candle[]>;

  constructor(options: KafkaReaderOptions) {
    this.reader = new KafkaGroupReader({ ...options, topic: options.topic ?? CANDLES_TOPIC }, candleBatchCodec.decode);
  }

  run(handler: (candles: readonly Candle[]) => Promise<void>, hooks?: ReaderHooks): Promise<void> {
    return this.reader.run((r) => handler(r.value), hooks);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
