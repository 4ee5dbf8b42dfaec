import type { Candle, TradeBatch } from '@exgate/domain';
import { ExgateError, isExgateError } from '@exgate/errors';
import { candleCodec, candleMessageKey, candlePartitionKey, tradeBatchCodec, tradeBatchKey } from '../codec';
import type {
  CandleDelivery,
  CandleLogReader,
  CandleLogWriter,
  ReaderHooks,
  TradeDelivery,
  TradeLogReader,
  TradeLogWriter,
} from '../ports';
import type { HandlerRetry, OnHandlerRetry } from '../handler-retry';
import { MemoryGroupReader } from './group-reader';
import { PartitionedLog, type LogRecord, type PartitionedLogOptions } from './partitioned-log';

export interface MemoryReaderOptions {
  readonly groupId: string;
  /** An undecodable message is skipped (redelivery cannot fix it) and reported here. */
  readonly onMalformed?: (error: ExgateError, where: { partition: number; offset: string }) => void;
  /** Trade messages handed over at most at once (default 1,000); tests make it small to fail mid-stream. */
  readonly groupSize?: number;  /** A handler's passing failures ridden out (default DEFAULT_HANDLER_RETRY). */
  readonly handlerRetry?: HandlerRetry;
  readonly onHandlerRetry?: OnHandlerRetry;
}

/**
 * The trades topic of the embedded mode: one log, any number of writers and consumer groups,
 * keyed `exchange:symbol`. It keeps the batches themselves: in one process a protobuf round trip
 * per message bought nothing and cost a tenth of a replay's CPU (ADR 0019); TradeBatch is
 * immutable. Bytes appended to it (a foreign producer's, in tests) are decoded as Kafka's are.
 */
export class MemoryTradeLog {
  readonly log: PartitionedLog<TradeBatch | Uint8Array>;

  constructor(options: PartitionedLogOptions = {}) {
    this.log = new PartitionedLog(options);
  }

  writer(): TradeLogWriter {
    return {
      publish: async (batches: readonly TradeBatch[]) => {
        this.log.append(batches.map((b) => ({ key: tradeBatchKey(b), value: b })));
      },
      close: async () => {},
    };
  }

  reader(options: MemoryReaderOptions): TradeLogReader {
    const reader = new MemoryGroupReader(this.log, options.groupId, options.handlerRetry, options.onHandlerRetry);
    return {
      run: (handler: (deliveries: readonly TradeDelivery[]) => Promise<void>, hooks?: ReaderHooks) =>
        reader.runGroups(async (records) => {
          const deliveries: TradeDelivery[] = [];
          for (const record of records) {
            const { value } = record;
            const bytes = value instanceof Uint8Array ? value : null;
            const batch = bytes ? decodeOrSkip({ ...record, value: bytes }, tradeBatchCodec.decode, options) : value as TradeBatch;
            if (batch) deliveries.push({ batch, partition: record.partition, lastOffset: String(record.offset), ...(bytes ? { payload: bytes } : {}) });
          }
          if (deliveries.length > 0) await handler(deliveries);
        }, hooks, options.groupSize),
      close: () => reader.close(),
    };
  }
}

/**
 * The candles topic of the embedded mode, keyed and partitioned as Kafka's (one message per candle,
 * partitioned by series). Nothing outside the process reads it, so it is not compacted and has no
 * JSON variant: the embedded mode's downstream is its API.
 */
export class MemoryCandleLog {
  readonly log: PartitionedLog<Uint8Array>;

  constructor(options: Omit<PartitionedLogOptions, 'partitionKey'> = {}) {
    this.log = new PartitionedLog({ ...options, partitionKey: candlePartitionKey });
  }

  writer(): CandleLogWriter {
    return {
      publish: async (candles: readonly Candle[], encoded?: readonly Uint8Array[]) => {
        this.log.append(candles.map((c, i) => ({ key: candleMessageKey(c), value: encoded?.[i] ?? candleCodec.encode(c) })));
      },
      close: async () => {},
    };
  }

  reader(options: MemoryReaderOptions): CandleLogReader {
    const reader = new MemoryGroupReader(this.log, options.groupId, options.handlerRetry, options.onHandlerRetry);
    return {
      run: (handler: (delivery: CandleDelivery) => Promise<void>, hooks?: ReaderHooks) =>
        reader.run(async (record) => {
          const candle = decodeOrSkip(record, candleCodec.decode, options);
          if (candle) await handler({ candle, key: record.key, partition: record.partition, offset: String(record.offset) });
        }, hooks),
      close: () => reader.close(),
    };
  }
}

function decodeOrSkip<V>(
  record: LogRecord<Uint8Array>,
  decode: (bytes: Uint8Array) => V,
  options: MemoryReaderOptions,
): V | undefined {
  try {
    return decode(record.value);
  } catch (e) {
    if (!isExgateError(e, 'MALFORMED_FRAME')) throw e;
    options.onMalformed?.(e, { partition: record.partition, offset: String(record.offset) });
    return undefined;
  }
}
