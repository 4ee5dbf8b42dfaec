import type { Admin } from 'kafkajs';
import { storedCheckpoint } from '@exgate/collector';
import type { RunContext } from './context';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `done` until it holds or `timeoutMs` passed; true when it held. Not `eventually`: a run
 * notes a timeout and goes on (an answer, not an error), and a probe that throws ends the wait.
 */
export async function until(done: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * The collector delivered everything it will: where ids are contiguous, its checkpoint (last id
 * the bus acknowledged) reached the exchange's last print of every symbol; elsewhere (prints lost
 * in a disconnection are gone for good) its checkpoints stopped moving for a second.
 */
export function collectorCaughtUp(ctx: Pick<RunContext, 'checkpoints' | 'exchange' | 'symbols' | 'sim'>, timeoutMs: number): Promise<boolean> {
  const { exchange } = ctx;
  // Read afresh at every look: a collector's own reader answers from what it read at start.
  const saved = () => Promise.all(ctx.symbols.map((symbol) => storedCheckpoint(ctx.checkpoints, { exchange: exchange.id, symbol, kind: exchange.kind })));
  if (exchange.contiguous) {
    return until(async () => {
      const now = await saved();
      return ctx.symbols.every((symbol, i) => {
        const last = ctx.sim.printedIds(symbol, exchange.kind).at(-1);
        return last === undefined || now[i]?.lastId === last;
      });
    }, timeoutMs, 100);
  }
  let previous = '';
  let stableSince = Date.now();
  return until(async () => {
    const now = JSON.stringify(await saved());
    if (now !== previous) {
      previous = now;
      stableSince = Date.now();
    }
    return Date.now() - stableSince >= 1_000;
  }, timeoutMs, 100);
}

/** The aggregators' group committed every message in the trades topic. */
export async function aggregatorCaughtUp(ctx: Pick<RunContext, 'bus' | 'tradesTopic' | 'aggregatorGroupId'>, timeoutMs: number): Promise<boolean> {
  const admin = ctx.bus.kafka.admin();
  await admin.connect();
  try {
    return await until(() => committedAll(admin, ctx.tradesTopic, ctx.aggregatorGroupId).catch(() => false), timeoutMs, 100);
  } finally {
    await admin.disconnect();
  }
}

async function committedAll(admin: Admin, topic: string, groupId: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.every((e) => BigInt(e.high) === BigInt(e.low) || (at.get(e.partition) ?? -1n) >= BigInt(e.high));
}
