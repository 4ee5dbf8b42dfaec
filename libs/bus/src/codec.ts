import { candleKey, streamKey } from '@exgate/domain';
import type { Candle, TradeBatch } from '@exgate/domain';
import { decodeCandleBatch, decodeTradeBatch, encodeCandleBatch, encodeTradeBatch } from '@exgate/proto';

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

export const candleBatchCodec: MessageCodec<readonly Candle[]> = {
  encode: (candles) => encodeCandleBatch(candles),
  decode: (bytes) => decodeCandleBatch(bytes),
};

export function tradeBatchKey(batch: TradeBatch): string {
  return streamKey(batch.exchange, batch.symbol);
}

/** Candles grouped by `exchange:symbol:interval`, each group in the order given. */
export function groupCandles(candles: readonly Candle[]): Map<string, Candle[]> {
  const groups = new Map<string, Candle[]>();
  for (const c of candles) {
    const key = candleKey(c);
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return groups;
}

/**
 * One stream's batch as messages of at most `max` prints, in order: the gap travels with the first
 * (the aggregator applies it before any print after the loss), the watermark with the last (it
 * vouches for every print before it). Applied one after another they mean what the batch meant.
 */
export function splitTradeBatch(batch: TradeBatch, max: number): TradeBatch[] {
  if (batch.trades.length <= max) return [batch];
  const parts: TradeBatch[] = [];
  for (let i = 0; i < batch.trades.length; i += max) {
    const last = i + max >= batch.trades.length;
    parts.push({ ...batch, trades: batch.trades.slice(i, i + max), gap: i === 0 ? batch.gap : null, watermarkMs: last ? batch.watermarkMs : null });
  }
  return parts;
}
