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
}

/**
 * Checkpoints in a KV bucket (distributed mode), keyed by the stream's one name. Reads the form
 * older versions wrote (`exchange.SYMBOL.kind` → the bare id) so an upgrade resumes where it was.
 */
export function kvCheckpoints(kv: KeyValueStore): Checkpoints {
  return {
    async get(stream) {
      const value = await kv.get(streamKey(stream.exchange, stream.symbol));
      if (value !== undefined) {
        const c = decode(value);
        return c && c.kind === stream.kind ? c : undefined;
      }
      const legacy = await kv.get(`${stream.exchange}.${stream.symbol}.${stream.kind}`);
      const id = legacy === undefined ? Number.NaN : Number(legacy);
      return Number.isSafeInteger(id) ? { kind: stream.kind, lastId: id, lastTimeMs: null } : undefined;
    },
    async put(stream, checkpoint) {
      await kv.put(streamKey(stream.exchange, stream.symbol), JSON.stringify(checkpoint));
    },
  };
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
