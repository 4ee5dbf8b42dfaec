import { streamKey, type Candle, type CandleAggregator, type IntervalId, type Trade, type TradeBatch, type TradeKind } from '@exgate/domain';
import type { Logger, MetricsRegistry } from '@exgate/runtime';
import type { MarketStore } from '@exgate/store';
import { restoreEngine } from './restore';
import { engineSemantics } from './semantics';

export interface StreamState {
  readonly key: string;
  readonly engine: CandleAggregator;
  /** Closed and corrected candles waiting for the candle topic and the store. */
  readonly emitted: Candle[];
  /** The log partition the stream's batches come from: its owner is whoever owns that partition. */
  partition: number;
  /** The collector's latest watermark: ticks never close buckets past it. */
  watermarkMs: number | null;
}

/** Per stream and kind, its newest stored print, or null: none. */
export type NewestPrints = ReadonlyMap<string, Trade | null>;

const newestKey = (exchange: string, symbol: string, kind: TradeKind) => `${streamKey(exchange, symbol)} ${kind}`;

export interface EngineConfig {
  readonly intervals: readonly IntervalId[];
  readonly graceMs: number;
}

/**
 * The streams this instance owns, each engine restored from the store the first time its stream
 * is seen (start, or a partition assigned) and forgotten when its partition goes or a write
 * fails: memory is only ever what the store says plus batches applied since.
 */
export class Streams {
  private readonly states = new Map<string, StreamState>();
  private readonly restoreSeconds;

  constructor(
    private readonly store: MarketStore,
    private readonly config: EngineConfig,
    private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.restoreSeconds = metrics.histogram('exgate_aggregator_restore_seconds', 'Time to rebuild a stream engine from the store', [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  get keys(): ReadonlySet<string> {
    return new Set(this.states.keys());
  }

  all(): StreamState[] {
    return [...this.states.values()];
  }

  /**
   * The newest stored print of each stream of these batches that is not restored yet, read
   * together: one query per exchange and kind rather than one per stream, which is what 500 new
   * streams spent their restore on (ADR 0018). Null where nothing is stored. Good for the group
   * at hand only: the store moves on with every write.
   */
  async newestOf(batches: readonly TradeBatch[]): Promise<NewestPrints> {
    const wanted = new Map<string, { exchange: string; kind: TradeKind; symbols: Set<string> }>();
    for (const b of batches) {
      if (this.states.has(streamKey(b.exchange, b.symbol))) continue;
      const group = `${b.exchange} ${b.kind}`;
      let w = wanted.get(group);
      if (!w) wanted.set(group, (w = { exchange: b.exchange, kind: b.kind, symbols: new Set() }));
      w.symbols.add(b.symbol);
    }
    const newest = new Map<string, Trade | null>();
    for (const { exchange, kind, symbols } of wanted.values()) {
      for (const symbol of symbols) newest.set(newestKey(exchange, symbol, kind), null);
      for (const t of await this.store.newestTrades({ exchange, kind, symbols: [...symbols] })) newest.set(newestKey(exchange, t.symbol, kind), t);
    }
    return newest;
  }

  /** The stream's state, restored from the store on first sight (with its newest print, when read already). */
  async of(batch: TradeBatch, partition: number, newest?: NewestPrints): Promise<StreamState> {
    const key = streamKey(batch.exchange, batch.symbol);
    const known = this.states.get(key);
    if (known) {
      known.partition = partition;
      return known;
    }
    const emitted: Candle[] = [];
    const startedMs = performance.now();
    const restored = await restoreEngine(this.store, { exchange: batch.exchange, symbol: batch.symbol, kind: batch.kind }, {
      exchange: batch.exchange, symbol: batch.symbol, intervals: this.config.intervals, graceMs: this.config.graceMs,
      ...engineSemantics(batch.exchange),
      onCandle: (c) => emitted.push(c),
    }, newest?.get(newestKey(batch.exchange, batch.symbol, batch.kind)));
    const seconds = (performance.now() - startedMs) / 1000;
    this.restoreSeconds.observe(seconds);
    const state: StreamState = { key, engine: restored.engine, emitted, partition, watermarkMs: null };
    this.states.set(key, state);
    const lastTradeId = restored.engine.lastTradeId;
    this.logger.info({
      stream: key, partition, ms: Math.round(seconds * 1000), reads: restored.reads, candles: restored.candlesRead,
      trades: restored.tradesRead, lastTradeId,
    }, lastTradeId === null ? 'new stream: no candles stored yet' : 'stream restored from the store');
    if (restored.mismatched.length > 0) {
      this.logger.warn({ stream: key, intervals: restored.mismatched }, 'restored forming candles differ from the stored ones');
    }
    return state;
  }

  /** Forgets streams: the next batch of each restores it from the store. */
  forget(states: Iterable<StreamState>): void {
    for (const s of states) this.states.delete(s.key);
  }

  inPartitions(partitions: readonly number[]): StreamState[] {
    return this.all().filter((s) => partitions.includes(s.partition));
  }
}
