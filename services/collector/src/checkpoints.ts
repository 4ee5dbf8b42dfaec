import type { TradeKind } from '@exgate/domain';
import { streamKey } from '@exgate/domain';
import type { KeyValueStore } from '@exgate/bus';
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
   * Rewrites what older versions kept in this version's form, for the kind each exchange is
   * collected as; the collector calls it once, at start. Says how many.
   */
  upgrade?(kindOf: (exchange: string) => TradeKind | undefined): Promise<number>;
}

/**
 * Checkpoints in a KV bucket (distributed mode), keyed by the stream's one name. Those older
 * versions wrote (`exchange.SYMBOL.kind` → the bare id) are rewritten in this form at start
 * (`upgrade`), so an upgrade resumes where it was and a read is one key: a second read for the old
 * form, a miss for every stream once upgraded, doubled what a burst of 500 new subscriptions cost
 * (ADR 0018).
 */
export function kvCheckpoints(kv: KeyValueStore): Checkpoints {
  return {
    upgrade: (kindOf) => upgradeCheckpointKeys(kv, kindOf),
    async get(stream) {
      const value = await kv.get(streamKey(stream.exchange, stream.symbol));
      if (value === undefined) return undefined;
      const c = decode(value);
      return c && c.kind === stream.kind ? c : undefined;
    },
    async put(stream, checkpoint) {
      await kv.put(streamKey(stream.exchange, stream.symbol), JSON.stringify(checkpoint));
    },
  };
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
export async function upgradeCheckpointKeys(kv: KeyValueStore, kindOf: (exchange: string) => TradeKind | undefined): Promise<number> {
  const entries = await kv.entries();
  let moved = 0;
  for (const [key, value] of entries) {
    const legacy = LEGACY_KEY.exec(key);
    const kind = legacy ? kindOf(legacy[1]!) : undefined;
    if (!legacy || kind === undefined || legacy[3] !== kind) continue;
    const stream = streamKey(legacy[1]!, legacy[2]!);
    const id = Number(value);
    if (Number.isSafeInteger(id) && !entries.has(stream)) {
      const checkpoint: Checkpoint = { kind, lastId: id, lastTimeMs: null };
      await kv.put(stream, JSON.stringify(checkpoint));
      moved++;
    }
    await kv.delete(key);
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
