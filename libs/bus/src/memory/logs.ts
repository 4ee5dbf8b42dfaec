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
import { MemoryGroupReader } from './group-reader';
import { PartitionedLog, type LogRecord, type PartitionedLogOptions } from './partitioned-log';

export interface MemoryReaderOptions {
  readonly groupId: string;
  /** An undecodable message is skipped (redelivery cannot fix it) and reported here. */
  readonly onMalformed?: (error: ExgateError, where: { partition: number; offset: string }) => void;
}

/**
 * The trades topic of the embedded mode: one log, any number of writers and consumer groups.
 * Messages are the same protobuf bytes Kafka carries, keyed `exchange:symbol`.
 */
export class MemoryTradeLog {
  readonly log: PartitionedLog<Uint8Array>;

  constructor(options: PartitionedLogOptions = {}) {
    this.log = new PartitionedLog(options);
  }

  writer(): TradeLogWriter {
    return {
      publish: async (batches: readonly TradeBatch[]) => {
        const entries = batches.map((b) => ({ key: tradeBatchKey(b), value: tradeBatchCodec.encode(b) }));
        this.log.append(entries);
      },
      close: async () => {},
    };
  }

  reader(options: MemoryReaderOptions): TradeLogReader {
    const reader = new MemoryGroupReader(this.log, options.groupId);
    return {
      run: (handler: (delivery: TradeDelivery) => Promise<void>, hooks?: ReaderHooks) =>
        reader.run(async (record) => {
          const batch = decodeOrSkip(record, tradeBatchCodec.decode, options);
          if (batch) await handler({ batch, partition: record.partition, lastOffset: String(record.offset) });
        }, hooks),
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
      publish: async (candles: readonly Candle[]) => {
        this.log.append(candles.map((c) => ({ key: candleMessageKey(c), value: candleCodec.encode(c) })));
      },
      close: async () => {},
    };
  }

  reader(options: MemoryReaderOptions): CandleLogReader {
    const reader = new MemoryGroupReader(this.log, options.groupId);
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
