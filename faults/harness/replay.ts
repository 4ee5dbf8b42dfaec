import type { Message } from 'kafkajs';
import type { RunContext } from './context';

/**
 * A duplicate replay of a whole range of the trades topic: the raw messages (same keys, same
 * bytes) read back from a random start up to the current end of every partition, and produced
 * again to the same partitions with a plain producer — what a producer retry storm, a mirror
 * restart or an operator resetting offsets does. Returns how many messages went in twice.
 */
export async function replayTopicRange(ctx: RunContext, startFraction: number): Promise<number> {
  const { kafka } = ctx.bus;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(ctx.tradesTopic).finally(() => admin.disconnect());
  const ranges = new Map(ends
    .map((e) => {
      const low = BigInt(e.low);
      const high = BigInt(e.high);
      const from = low + ((high - low) * BigInt(Math.floor(startFraction * 1000))) / 1000n;
      return [e.partition, { from, high }] as const;
    })
    .filter(([, r]) => r.high > r.from));
  if (ranges.size === 0) return 0;

  const copies = new Map<number, Message[]>();
  const remaining = new Set(ranges.keys());
  const consumer = kafka.consumer({ groupId: `${ctx.aggregatorGroupId}-replay`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [ctx.tradesTopic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = ranges.get(batch.partition);
          if (!range || !remaining.has(batch.partition)) return;
          const list = copies.get(batch.partition) ?? [];
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset >= range.from && offset < range.high) list.push({ key: m.key, value: m.value, partition: batch.partition });
            if (offset + 1n >= range.high) remaining.delete(batch.partition);
          }
          copies.set(batch.partition, list);
          if (remaining.size === 0) resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const messages = [...copies.values()].flat();
    await producer.send({ topic: ctx.tradesTopic, acks: -1, messages });
    return messages.length;
  } finally {
    await producer.disconnect();
  }
}
