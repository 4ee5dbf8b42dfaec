import { CandleAggregator } from './aggregator';
import type { Candle } from './candle';
import type { IntervalId } from './interval';
import type { Trade } from './trade';

export interface BuildCandlesOptions {
  /** Default: the first print's. */
  readonly exchange?: string;
  readonly symbol?: string;
  readonly tzOffsetMs?: number;
  /** How a bucket opens (the exchange's candle policy). Default `first-print`. */
  readonly openAt?: 'first-print' | 'previous-price';
  /** Ids go up by one, so a hole is a loss (default); false where ids only grow (holes are normal). */
  readonly contiguousIds?: boolean;
  /** From when the prints are known complete; default: just after the first one. */
  readonly coveredFromMs?: number;
  /** Time known to have passed: buckets ending before it are closed. Default: the last print. */
  readonly untilMs?: number;
  /** How far back in time a print may arrive after later ones and still count. Default 60 s. */
  readonly reorderWindowMs?: number;
}

/**
 * One-shot candles of one interval from a finished list of prints (CLI, genkline, tests): the
 * same engine as the live aggregator. Prints are taken in id order (sorted if they are not),
 * duplicates count once, empty buckets between prints show the previous close, and the last
 * bucket is `forming` unless `untilMs` passed its end. A print whose time is earlier than its
 * predecessors' (within reorderWindowMs) still lands in its own bucket: nothing was published yet,
 * so such candles come out `closed`, version 1.
 */
export function buildCandles(trades: readonly Trade[], interval: IntervalId, options: BuildCandlesOptions = {}): Candle[] {
  const first = trades[0];
  if (!first) return [];
  const byOpenTime = new Map<number, Candle>();
  const aggregator = new CandleAggregator({
    exchange: options.exchange ?? first.exchange,
    symbol: options.symbol ?? first.symbol,
    intervals: [interval],
    tzOffsetMs: options.tzOffsetMs,
    openAt: options.openAt,
    contiguousIds: options.contiguousIds,
    coveredFromMs: options.coveredFromMs,
    graceMs: options.reorderWindowMs ?? 60_000,
    onCandle: (c) => byOpenTime.set(c.openTimeMs, c.version === 1 ? c : { ...c, state: 'closed', version: 1 }),
  });
  for (const t of inIdOrder(trades)) aggregator.ingest(t);
  if (options.untilMs !== undefined) aggregator.advanceTo(options.untilMs);
  const candles = [...byOpenTime.values()].sort((a, b) => a.openTimeMs - b.openTimeMs);
  const forming = aggregator.forming(interval);
  if (forming && (options.untilMs === undefined || options.untilMs <= forming.closeTimeMs)) candles.push(forming);
  return candles;
}

function inIdOrder(trades: readonly Trade[]): readonly Trade[] {
  for (let i = 1; i < trades.length; i++) {
    if (trades[i]!.id < trades[i - 1]!.id) return [...trades].sort((a, b) => a.id - b.id);
  }
  return trades;
}
