import { candleKey, streamKey } from '@exgate/domain';
import type { Candle, TradeBatch } from '@exgate/domain';
import { decodeCandle, decodeTradeBatch, encodeCandle, encodeTradeBatch } from '@exgate/proto';

/**
 * What a log message carries and how it is keyed. Every log (Kafka and the in-memory one) stores
 * the protobuf bytes, so the embedded mode exercises the same codec as the distributed one.
 */
export interface MessageCodec<V> {
  encode(value: V): Uint8Array;
  decode(bytes: Uint8Array): V;
}

export const tradeBatchCodec: MessageCodec<TradeBatch> = {
  encode: (batch) => encodeTradeBatch(batch),
  decode: (bytes) => decodeTradeBatch(bytes),
};

/** One `exgate.v1.Candle` per message: the candle topic is keyed per candle and compacted. */
export const candleCodec: MessageCodec<Candle> = {
  encode: (candle) => encodeCandle(candle),
  decode: (bytes) => decodeCandle(bytes),
};

export function tradeBatchKey(batch: TradeBatch): string {
  return streamKey(batch.exchange, batch.symbol);
}

/**
 * The candle topics' message key, `exchange:symbol:interval:openTimeMs`: one key per candle, so
 * compaction keeps the latest version of every candle. Exchange ids hold no `:` and the last two
 * parts never do, so the key parses from both ends whatever the symbol holds.
 */
export function candleMessageKey(c: Pick<Candle, 'exchange' | 'symbol' | 'interval' | 'openTimeMs'>): string {
  return `${candleKey(c)}:${c.openTimeMs}`;
}

/**
 * Where a candle message goes: its series, `exchange:symbol:interval`, so one series' candles stay
 * in one partition in publish order (and every version of a candle in the same partition, which
 * compaction needs).
 */
export function candlePartitionKey(messageKey: string): string {
  return messageKey.slice(0, messageKey.lastIndexOf(':'));
}
