import type { TradeBatch } from '@exgate/domain';

/**
 * Bytes per produce request. The broker's limit (message.max.bytes, 1 MB by default) applies to a
 * partition's whole record batch, and kafkajs puts a send's messages for one partition in one.
 */
export const MAX_BYTES_PER_SEND = 768 * 1024;

/**
 * Prints per Kafka message. A stream's batch can hold up to the collector's buffer (200,000 prints
 * after a burst or at replay speed); encoded whole it passed the broker's 1 MB message limit and
 * the collector retried it forever. 5,000 prints encode to about 0.3 MB.
 */
export const MAX_TRADES_PER_MESSAGE = 5_000;

/**
 * One batch as messages of at most `max` prints, in order, meaning what the batch meant: the gap
 * goes with the first (it is applied before its prints), the watermark with the last (it vouches
 * for every print up to it, which is only true once the last has arrived).
 */
export function splitTradeBatch(batch: TradeBatch, max = MAX_TRADES_PER_MESSAGE): TradeBatch[] {
  if (batch.trades.length <= max) return [batch];
  const parts: TradeBatch[] = [];
  for (let from = 0; from < batch.trades.length; from += max) {
    const last = from + max >= batch.trades.length;
    parts.push({
      ...batch,
      trades: batch.trades.slice(from, from + max),
      gap: from === 0 ? batch.gap : null,
      watermarkMs: last ? batch.watermarkMs : null,
    });
  }
  return parts;
}

/** Messages in order, cut into runs of at most `maxBytes` (a larger single message stands alone). */
export function sendGroups<M extends { readonly value: Uint8Array }>(messages: readonly M[], maxBytes = MAX_BYTES_PER_SEND): M[][] {
  const groups: M[][] = [];
  let group: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (group.length > 0 && bytes + m.value.byteLength > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(m);
    bytes += m.value.byteLength;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Candles per Kafka message: a batch of prints replayed at full speed spans hours, and its 1s
 * candles alone passed the 1 MB limit in one message. 2,000 encode to about 0.3 MB.
 */
export const MAX_CANDLES_PER_MESSAGE = 2_000;

/** `items` in order, in runs of at most `max`. */
export function chunks<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out;
}
