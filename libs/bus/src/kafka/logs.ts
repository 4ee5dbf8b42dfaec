import type { Candle, TradeBatch } from '@exgate/domain';
import { candleBatchCodec, groupCandles, splitTradeBatch, tradeBatchCodec, tradeBatchKey } from '../codec';
import {
  CANDLES_TOPIC,
  TRADES_PER_MESSAGE,
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

type WriterOptions = Omit<KafkaWriterOptions, 'topic'> & { readonly topic?: string };

/** Trades to `exgate.trades.v1`: TradeBatch messages keyed `exchange:symbol`, at most TRADES_PER_MESSAGE prints each. */
export class KafkaTradeLogWriter implements TradeLogWriter {
  private readonly writer: KeyedKafkaWriter;

  constructor(options: WriterOptions) {
    this.writer = new KeyedKafkaWriter({ ...options, topic: options.topic ?? TRADES_TOPIC });
  }

  publish(batches: readonly TradeBatch[]): Promise<void> {
    return this.writer.send(batches.flatMap((b) => splitTradeBatch(b, TRADES_PER_MESSAGE).map((part) => ({ key: tradeBatchKey(part), value: tradeBatchCodec.encode(part) }))));
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

  publish(candles: readonly Candle[]): Promise<void> {
    const messages = [...groupCandles(candles)].map(([key, group]) => ({ key, value: candleBatchCodec.encode(group) }));
    return this.writer.send(messages);
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
