import { CandleAggregator, type CandleAggregatorOptions } from '../aggregator';
import type { Candle } from '../candle';
import { formatScaled, parseDecimal } from '../decimal';
import { type EngineSnapshot } from '../restore';
import { planSnapshot, type SnapshotAnswer, type SnapshotRead, type SnapshotScope } from '../restore-plan';
import type { TimeRange, Trade } from '../trade';

/** A decimal as ClickHouse's toString() gives it back: no trailing zeros ("63940.10" → "63940.1"). */
export function shortest(text: string): string {
  const { m, s } = parseDecimal(text);
  return formatScaled(m, s, 0);
}

const DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

export function shortestCandle(c: Candle): Candle {
  const out: Record<string, unknown> = { ...c };
  for (const f of DECIMALS) out[f] = shortest(c[f]);
  return out as unknown as Candle;
}

/**
 * The tables the aggregator writes, kept as the real store keeps them (for domain tests): one
 * candle per bucket (highest version; equal versions: the later write), one print per id,
 * decimals read back in their shortest spelling. Answers planSnapshot's reads.
 */
export class StoreDouble {
  readonly candles = new Map<string, Candle>();
  readonly trades = new Map<number, Trade>();
  /** Reads answered, and candles they returned (to show how little a restore reads). */
  reads = 0;
  rowsRead = 0;

  insertTrades(trades: readonly Trade[]): void {
    for (const t of trades) if (!this.trades.has(t.id)) this.trades.set(t.id, { ...t, price: shortest(t.price), qty: shortest(t.qty) });
  }

  upsertCandles(candles: readonly Candle[]): void {
    for (const c of candles) {
      const key = `${c.interval}:${c.openTimeMs}`;
      const seen = this.candles.get(key);
      if (!seen || c.version >= seen.version) this.candles.set(key, shortestCandle(c));
    }
  }

  /** Every stored candle, by interval and open time. */
  view(): Candle[] {
    return [...this.candles.values()].sort((a, b) => (a.interval === b.interval ? a.openTimeMs - b.openTimeMs : a.interval < b.interval ? -1 : 1));
  }

  answer(read: SnapshotRead): SnapshotAnswer {
    this.reads++;
    if (read.type === 'edgeTrade') {
      const ids = [...this.trades.keys()];
      if (ids.length === 0) return [];
      return [this.trades.get(read.newest ? Math.max(...ids) : Math.min(...ids))!];
    }
    if (read.type === 'trades') {
      return [...this.trades.values()]
        .filter((t) => t.exchangeTimeMs >= read.fromMs && t.exchangeTimeMs <= read.toMs)
        .sort((a, b) => a.id - b.id);
    }
    const rows = [...this.candles.values()]
      .filter((c) => c.interval === read.interval && c.openTimeMs >= read.fromMs && (read.toMs === null || c.openTimeMs <= read.toMs))
      .sort((a, b) => a.openTimeMs - b.openTimeMs);
    this.rowsRead += rows.length;
    return rows;
  }

  /** What a restore of an engine with this scope reads. */
  snapshot(scope: SnapshotScope): EngineSnapshot {
    const plan = planSnapshot(scope);
    let step = plan.next();
    while (!step.done) step = plan.next(this.answer(step.value));
    return step.value;
  }
}

/** One delivery of the trades topic, as the service applies it. */
export interface Batch {
  readonly prints: readonly Trade[];
  readonly gap?: TimeRange | null;
  readonly advanceToMs?: number | null;
}

/**
 * An engine as the aggregator service runs it: per batch, the declared gap, then the prints, then
 * the watermark; then the prints are stored, then the candles (forming and newly published).
 */
export class StoredEngine {
  readonly emitted: Candle[] = [];
  readonly engine: CandleAggregator;

  constructor(
    readonly options: Omit<CandleAggregatorOptions, 'onCandle'>,
    readonly store = new StoreDouble(),
    restore = false,
  ) {
    const withSink = { ...options, onCandle: (c: Candle) => this.emitted.push(c) };
    this.engine = restore ? CandleAggregator.restore(withSink, store.snapshot(options)) : new CandleAggregator(withSink);
  }

  /** A new engine restored from this one's store (this one is abandoned). */
  restart(): StoredEngine {
    return new StoredEngine(this.options, this.store, true);
  }

  /** `storeCandles: false` is a crash between the two writes. */
  apply(b: Batch, storeCandles = true): void {
    const from = this.emitted.length;
    if (b.gap) this.engine.markGap(b.gap.fromMs, b.gap.toMs);
    for (const t of b.prints) this.engine.ingest(t);
    if (b.advanceToMs !== undefined && b.advanceToMs !== null) this.engine.advanceTo(b.advanceToMs);
    this.store.insertTrades(b.prints);
    if (storeCandles) this.store.upsertCandles([...this.engine.formingAll(), ...this.emitted.slice(from)]);
  }
}
