import type { TradeKind } from '@exgate/domain';
import { streamKey } from '@exgate/domain';
import type { KeyValueStore } from '@exgate/bus';
import { TurnBudget } from '@exgate/runtime';
import type { MarketStore } from '@exgate/store';

/** Where a stream stopped: a restarted collector resumes there (fetches by id, or declares a gap). */
export interface Checkpoint {
  readonly kind: TradeKind;
  readonly lastId: number;
  /** Exchange time of that print; null where the source does not keep it. */
  readonly lastTimeMs: number | null;
}

export interface StreamRef {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
}

/** Last print each stream delivered to the bus. A checkpoint of another kind does not count. */
export interface Checkpoints {
  get(stream: StreamRef): Promise<Checkpoint | undefined>;
  put(stream: StreamRef, checkpoint: Checkpoint): Promise<void>;
  /**
   * At start, once: rewrites what older versions kept in this version's form, for the kind each
   * exchange is collected as, and reads what is kept. Says how many were rewritten.
   */
  open?(kindOf: (exchange: string) => TradeKind | undefined): Promise<number>;
}

/**
 * Checkpoints in a KV bucket (distributed mode), keyed by the stream's one name. Those older
 * versions wrote (`exchange.SYMBOL.kind` → the bare id) are rewritten in this form at start.
 *
 * Every checkpoint is read once, at start (`open`, or the first `get`), and reads are answered
 * from that copy, which each `put` keeps current: the collector is the bucket's only writer, and a
 * burst of 500 new subscriptions was 500 reads of missing keys, each a NATS round trip whose miss
 * nats.js reports by building an error with its stack (ADR 0018). During a rolling update the
 * old collector may still write for a moment after the new one read: the new one then resumes from
 * an older checkpoint, which only fetches again what the bus already has (duplicates, absorbed
 * downstream) or declares a loss where the exchange cannot give prints back (the safe side).
 */
export function kvCheckpoints(kv: KeyValueStore): Checkpoints {
  let kept: Promise<Map<string, string>> | undefined;
  const read = async () => new Map(await kv.entries());
  return {
    async open(kindOf) {
      const entries = await read();
      const moved = await upgradeCheckpointKeys(kv, kindOf, entries);
      kept = Promise.resolve(entries);
      return moved;
    },
    async get(stream) {
      return checkpointOf((await (kept ??= read())).get(streamKey(stream.exchange, stream.symbol)), stream.kind);
    },
    async put(stream, checkpoint) {
      const key = streamKey(stream.exchange, stream.symbol);
      const value = JSON.stringify(checkpoint);
      await kv.put(key, value);
      // Not read yet: the first read will find it in the bucket.
      if (kept) (await kept).set(key, value);
    },
  };
}

/**
 * What the bucket holds for `stream` now, read on its own: for whoever watches a collector from
 * outside (kvCheckpoints answers from what it read at start).
 */
export async function storedCheckpoint(kv: KeyValueStore, stream: StreamRef): Promise<Checkpoint | undefined> {
  return checkpointOf(await kv.get(streamKey(stream.exchange, stream.symbol)), stream.kind);
}

/** A stored value as a checkpoint of `kind`: one of another kind does not count. */
function checkpointOf(value: string | undefined, kind: TradeKind): Checkpoint | undefined {
  const c = value === undefined ? undefined : decode(value);
  return c && c.kind === kind ? c : undefined;
}

/**
 * What the bus acknowledged, written as checkpoints at most once every `everyMs`, and all at once
 * on `write(…, true)` (a stop). Written at every flush, 500 streams were 5,000 KV puts a second,
 * each a NATS request with its reply (84 ms of the collector's 2.2 s of CPU while they played, with
 * nats.js building an error and its stack for each request's timeout; ADR 0018).
 * A checkpoint older than the bus only means prints fetched again after a crash (duplicates the
 * aggregator recognises by id) or, where the exchange cannot give them back, a loss declared a
 * little earlier than it began.
 */
export class PacedCheckpoints {
  private readonly noted = new Map<StreamRef, Checkpoint>();
  private writtenAtMs = Number.NEGATIVE_INFINITY;
  /** Writes one after another: a stream's newer checkpoint never goes out before its older one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly checkpoints: Checkpoints,
    private readonly everyMs: number,
  ) {}

  /** The newest print of `stream` the bus acknowledged. */
  note(stream: StreamRef, checkpoint: Checkpoint): void {
    this.noted.set(stream, checkpoint);
  }

  /**
   * Writes what was noted if `everyMs` passed since the last write (all of it with `all`), in
   * turns of the process's budget; says how many. A failed write keeps its checkpoints noted
   * (unless newer ones came meanwhile) for the next, and rejects.
   */
  write(nowMs: number, all = false): Promise<number> {
    const next = this.writing.then(() => this.writeDue(nowMs, all));
    // The chain goes on whatever this write's outcome: the caller hears of a failure.
    this.writing = next.then(() => undefined, () => undefined);
    return next;
  }

  private async writeDue(nowMs: number, all: boolean): Promise<number> {
    if (this.noted.size === 0 || (!all && nowMs - this.writtenAtMs < this.everyMs)) return 0;
    this.writtenAtMs = nowMs;
    const batch = [...this.noted];
    this.noted.clear();
    // All at once, one key per stream: the client sends them in one write and they are answered
    // together (one after another they were a round trip each). Each failure is caught as it
    // happens: the loop may yield before the last is made.
    let failed: { error: unknown } | undefined;
    const writes: Promise<void>[] = [];
    for (const [stream, checkpoint] of batch) {
      await TurnBudget.process.pass();
      writes.push(this.checkpoints.put(stream, checkpoint).catch((error: unknown) => {
        failed ??= { error };
      }));
    }
    await Promise.all(writes);
    if (failed) {
      for (const [stream, checkpoint] of batch) if (!this.noted.has(stream)) this.noted.set(stream, checkpoint);
      throw failed.error;
    }
    return batch.length;
  }
}

/** `exchange.SYMBOL.kind` → the bare id, as versions before the stream names kept them. */
const LEGACY_KEY = /^([^.:]+)\.(.+)\.(trade|aggTrade)$/;

/**
 * Rewrites the old form's checkpoints of the kind each exchange is collected as under the
 * stream's name and deletes them; says how many. That form kept one checkpoint per kind, which
 * the reader of the time chose by the configured kind: one of another kind (an exchange
 * collected as the other stream before) stays where it is, unread, as it was. Where a stream has
 * both forms, the current one stays (it is the newer) and the old one goes.
 */
export async function upgradeCheckpointKeys(
  kv: KeyValueStore,
  kindOf: (exchange: string) => TradeKind | undefined,
  /** What the bucket holds, when already read: kept current with what this rewrites. */
  read?: Map<string, string>,
): Promise<number> {
  const entries = read ?? new Map(await kv.entries());
  let moved = 0;
  for (const [key, value] of [...entries]) {
    const legacy = LEGACY_KEY.exec(key);
    const kind = legacy ? kindOf(legacy[1]!) : undefined;
    if (!legacy || kind === undefined || legacy[3] !== kind) continue;
    const stream = streamKey(legacy[1]!, legacy[2]!);
    const id = Number(value);
    if (Number.isSafeInteger(id) && !entries.has(stream)) {
      const checkpoint: Checkpoint = { kind, lastId: id, lastTimeMs: null };
      const text = JSON.stringify(checkpoint);
      await kv.put(stream, text);
      entries.set(stream, text);
      moved++;
    }
    await kv.delete(key);
    entries.delete(key);
  }
  return moved;
}

function decode(value: string): Checkpoint | undefined {
  try {
    const v = JSON.parse(value) as Partial<Checkpoint>;
    if ((v.kind === 'trade' || v.kind === 'aggTrade') && Number.isSafeInteger(v.lastId)) {
      return { kind: v.kind, lastId: v.lastId!, lastTimeMs: typeof v.lastTimeMs === 'number' ? v.lastTimeMs : null };
    }
  } catch {
    // An unreadable checkpoint is no checkpoint: the stream starts from the live feed.
  }
  return undefined;
}

/**
 * In one process the trade log lives in memory, so what is safely kept is what the store holds:
 * a restarted embedded collector resumes after the last stored print. Writes are the store's.
 */
export function storeCheckpoints(store: MarketStore): Checkpoints {
  return {
    async get(stream) {
      const [last] = await store.trades({ exchange: stream.exchange, symbol: stream.symbol, kind: stream.kind, limit: 1, order: 'desc' });
      return last ? { kind: stream.kind, lastId: last.id, lastTimeMs: last.exchangeTimeMs } : undefined;
    },
    put: async () => undefined,
  };
}
