import type { Candle, CandleState } from './candle';
import type { CandlePolicy } from './candle-policy';
import { compareDecimalStrings } from './decimal';
import { type IntervalId, nextOpenTimeMs, openTimeMs } from './interval';
import type { Kline } from './kline';

/**
 * One bucket with at least one stored print, as the store aggregates it (inside ClickHouse): the
 * kline of its market prints (exact decimal strings, any spelling; tradeCount Σ(last − first + 1))
 * and the ids of all its prints.
 */
export interface BucketSummary extends Omit<Kline, 'openTimeMs' | 'closeTimeMs'> {
  readonly openTimeMs: number;
  /** Stored prints of any kind (market or not), each id once. */
  readonly prints: number;
  readonly firstId: number;
  readonly lastId: number;
  /** Market prints; the kline values mean nothing when it is 0. */
  readonly marketPrints: number;
}

export interface HistoryStitchOptions {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  /** The exchange's candle policy; `tzOffsetMs` is the one the candles are laid out on. */
  readonly policy: CandlePolicy;
  /** Ids go up by one (Binance): an id hole is a loss. False: ids only grow, holes mean nothing. */
  readonly contiguousIds: boolean;
  /** Id of the stored print just before the first summary's prints; null when there is none. */
  readonly previousId: number | null;
}

/** The first stored print after the summaries, or null when they reach the last stored print. */
export interface StreamAfter {
  readonly id: number;
  readonly timeMs: number;
}

/**
 * Turns bucket summaries (in open-time order, of a stream whose ids follow time) into the candles
 * the engine (CandleAggregator via buildCandles) makes from the same prints:
 * - empty buckets between two summaries show the previous close when no id is missing between
 *   them, and are left out when ids are missing (a gap: "no trades" is not known);
 * - a candle is gap-free unless ids are missing inside it, between it and a neighbouring summary,
 *   or (first summary) between it and the print before;
 * - the last summary is `forming` when no stored print follows it; every other candle is `closed`.
 * Generators, so a long quiet stretch of empty buckets is never held in memory.
 */
export class HistoryStitcher {
  private pending: BucketSummary | null = null;
  /** Whether the pending summary is known complete from its start (no hole before it). */
  private pendingCoveredBefore = false;
  /** Close of the last bucket with market prints: empty buckets show it. */
  private carry: string | null = null;

  constructor(private readonly options: HistoryStitchOptions) {}

  /** Takes the next summary; yields the candles before it that are now settled. */
  *push(next: BucketSummary): Generator<Candle> {
    const pending = this.pending;
    if (pending === null) {
      const previousId = this.options.previousId;
      // The engine counts a window complete from its start only when the print before is the id
      // just before (increasing ids: when there is a print before at all).
      this.pendingCoveredBefore = previousId !== null && (this.options.contiguousIds ? previousId === next.firstId - 1 : true);
    } else {
      const hole = this.missingBetween(pending.lastId, next.firstId);
      yield this.settle(pending, hole, 'closed');
      if (!hole) yield* this.empties(nextOpenTimeMs(this.options.interval, pending.openTimeMs, this.options.policy.tzOffsetMs), next.openTimeMs);
      this.pendingCoveredBefore = !hole;
    }
    this.pending = next;
  }

  /**
   * No more summaries. `after` is the stored print that follows them (the last candle is then
   * closed, and empty buckets run up to that print's bucket, but not past `untilMs`), or null
   * (the last candle is forming: time is known to have passed only up to the last print).
   */
  *finish(after: StreamAfter | null, untilMs: number): Generator<Candle> {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    if (after === null) {
      yield this.settle(pending, false, 'forming');
      return;
    }
    const hole = this.missingBetween(pending.lastId, after.id);
    yield this.settle(pending, hole, 'closed');
    if (hole) return;
    const { interval, policy } = this.options;
    const beforeMs = Math.min(openTimeMs(interval, after.timeMs, policy.tzOffsetMs), untilMs + 1);
    yield* this.empties(nextOpenTimeMs(interval, pending.openTimeMs, policy.tzOffsetMs), beforeMs);
  }

  private missingBetween(lastId: number, nextId: number): boolean {
    return this.options.contiguousIds && nextId !== lastId + 1;
  }

  /** Empty, gap-free, closed buckets opening in [fromMs, beforeMs). */
  private *empties(fromMs: number, beforeMs: number): Generator<Candle> {
    const { interval, policy } = this.options;
    for (let openMs = fromMs; openMs < beforeMs; openMs = nextOpenTimeMs(interval, openMs, policy.tzOffsetMs)) {
      yield this.flat(openMs, null, null, true, 'closed');
    }
  }

  private settle(s: BucketSummary, holeAfter: boolean, state: CandleState): Candle {
    const holeInside = this.options.contiguousIds && s.lastId - s.firstId + 1 !== s.prints;
    const gapFree = this.pendingCoveredBefore && !holeInside && !holeAfter;
    if (s.marketPrints === 0) return this.flat(s.openTimeMs, s.firstId, s.lastId, gapFree, state);
    let { open, high, low } = s;
    const previous = this.carry;
    if (this.options.policy.openAt === 'previous-price' && previous !== null) {
      open = previous;
      if (compareDecimalStrings(previous, high) > 0) high = previous;
      if (compareDecimalStrings(previous, low) < 0) low = previous;
    }
    this.carry = s.close;
    return {
      ...this.meta(s.openTimeMs),
      open, high, low, close: s.close,
      volume: s.volume, quoteVolume: s.quoteVolume, takerBuyVolume: s.takerBuyVolume, takerBuyQuoteVolume: s.takerBuyQuoteVolume,
      tradeCount: s.tradeCount, firstTradeId: s.firstId, lastTradeId: s.lastId, gapFree, ...stateOf(state),
    };
  }

  /** No market print: o = h = l = c = the previous close, zero volumes (as the engine). */
  private flat(openMs: number, firstId: number | null, lastId: number | null, gapFree: boolean, state: CandleState): Candle {
    const price = this.carry ?? '0';
    return {
      ...this.meta(openMs),
      open: price, high: price, low: price, close: price,
      volume: '0', quoteVolume: '0', takerBuyVolume: '0', takerBuyQuoteVolume: '0',
      tradeCount: 0, firstTradeId: firstId, lastTradeId: lastId, gapFree, ...stateOf(state),
    };
  }

  private meta(openMs: number): Pick<Candle, 'exchange' | 'symbol' | 'interval' | 'openTimeMs' | 'closeTimeMs'> {
    const { exchange, symbol, interval, policy } = this.options;
    return { exchange, symbol, interval, openTimeMs: openMs, closeTimeMs: nextOpenTimeMs(interval, openMs, policy.tzOffsetMs) - 1 };
  }
}

/** A computed candle is published once: closed (version 1), or forming (version 0). */
function stateOf(state: CandleState): { state: CandleState; version: number } {
  return { state, version: state === 'forming' ? 0 : 1 };
}
