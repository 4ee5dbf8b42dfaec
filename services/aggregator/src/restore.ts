import {
  CandleAggregator, compareDecimalStrings, planSnapshot,
  type Candle, type CandleAggregatorOptions, type IntervalId, type SnapshotAnswer, type SnapshotRead, type Trade,
} from '@exgate/domain';
import type { MarketStore, StreamRef } from '@exgate/store';

/** DateTime64(3) ends in 2299: "no upper bound" for the store. */
const MAX_TIME_MS = 10_413_791_999_999;
const CANDLE_PAGE = 10_000;
/** Prints of one forming root bucket (1 s, or up to an hour without 1s): far more than any has. */
const MAX_BUCKET_TRADES = 5_000_000;

export interface Restored {
  readonly engine: CandleAggregator;
  readonly reads: number;
  readonly candlesRead: number;
  readonly tradesRead: number;
  /** Intervals whose restored forming candle differs from the stored one: the store was not what the engine left. */
  readonly mismatched: readonly IntervalId[];
}

/**
 * The stream's engine as it stood after the last batch whose candles reached the store, rebuilt
 * from stored candles and the prints of the forming root bucket (docs/adr/0007). `newest`, when
 * given, answers the plan's first question (the stream's newest stored print) without a read.
 */
export async function restoreEngine(store: MarketStore, stream: StreamRef, options: CandleAggregatorOptions, newest?: Trade | null): Promise<Restored> {
  let reads = 0;
  let candlesRead = 0;
  let tradesRead = 0;
  // The stream's newest stored print, when it was read together with other streams' (null: none).
  let known = newest;
  const plan = planSnapshot(options);
  let step = plan.next();
  while (!step.done) {
    const read = step.value;
    let answer: SnapshotAnswer;
    if (known !== undefined && read.type === 'edgeTrade' && read.newest) {
      answer = known === null ? [] : [known];
      known = undefined;
    } else {
      answer = await perform(store, stream, read);
      reads++;
    }
    if (read.type === 'candles') candlesRead += answer.length;
    else tradesRead += answer.length;
    step = plan.next(answer);
  }
  const snapshot = step.value;
  const engine = CandleAggregator.restore(options, snapshot);
  return { engine, reads, candlesRead, tradesRead, mismatched: mismatches(engine, snapshot.candles) };
}

function perform(store: MarketStore, stream: StreamRef, read: SnapshotRead): Promise<SnapshotAnswer> {
  switch (read.type) {
    case 'edgeTrade':
      return store.trades({ ...stream, limit: 1, order: read.newest ? 'desc' : 'asc' });
    case 'trades':
      return store.trades({ ...stream, fromMs: Math.max(0, read.fromMs), toMs: read.toMs, limit: MAX_BUCKET_TRADES, order: 'asc' });
    case 'candles':
      return candlesBetween(store, stream, read.interval, read.fromMs, read.toMs ?? MAX_TIME_MS);
  }
}

async function candlesBetween(store: MarketStore, stream: StreamRef, interval: IntervalId, fromMs: number, toMs: number): Promise<Candle[]> {
  const out: Candle[] = [];
  for (let from = Math.max(0, fromMs); ;) {
    const page = await store.candles({ exchange: stream.exchange, symbol: stream.symbol, interval, fromMs: from, toMs: Math.min(toMs, MAX_TIME_MS), limit: CANDLE_PAGE });
    out.push(...page);
    if (page.length < CANDLE_PAGE) return out;
    from = page[page.length - 1]!.openTimeMs + 1;
  }
}

const KLINE = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

function mismatches(engine: CandleAggregator, stored: readonly Candle[]): IntervalId[] {
  const out: IntervalId[] = [];
  for (const forming of engine.formingAll()) {
    const row = stored.find((c) => c.interval === forming.interval && c.openTimeMs === forming.openTimeMs && c.state === 'forming');
    if (!row) continue;
    const same = KLINE.every((f) => compareDecimalStrings(row[f], forming[f]) === 0)
      && row.tradeCount === forming.tradeCount && row.lastTradeId === forming.lastTradeId && row.gapFree === forming.gapFree;
    if (!same) out.push(forming.interval);
  }
  return out;
}
