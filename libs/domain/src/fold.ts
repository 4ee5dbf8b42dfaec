import type { Candle, CandleState } from './candle';
import { CandleBuilder } from './candle-builder';
import { type Carry, makeCarry } from './carry';
import { DomainError } from './errors';
import { closeTimeMs, type IntervalId, openTimeMs } from './interval';
import { loadCandle, wireScale } from './stored-candle';

export interface FoldOptions {
  readonly tzOffsetMs?: number;
}

/**
 * Folds candles of a shorter interval into candles of `interval` (one per bucket they fall in):
 * open of the first non-empty, close of the last, extremes, exact sums, Σ counts, min/max ids.
 * Empty candles add nothing (they only carry the previous close). gapFree holds when every part
 * is gap-free and the parts cover the bucket without holes up to its end (or up to now, when the
 * last part is still forming). The result is derived, not published: version 0.
 */
export function foldCandles(candles: readonly Candle[], interval: IntervalId, options: FoldOptions = {}): Candle[] {
  const tzOffsetMs = options.tzOffsetMs ?? 0;
  const groups = new Map<number, Candle[]>();
  for (const c of candles) {
    const openMs = openTimeMs(interval, c.openTimeMs, tzOffsetMs);
    if (c.closeTimeMs > closeTimeMs(interval, openMs, tzOffsetMs)) {
      throw new DomainError('INVALID_CANDLES', `a ${c.interval} candle at ${c.openTimeMs} does not fit in ${interval}`);
    }
    const group = groups.get(openMs);
    if (group) group.push(c);
    else groups.set(openMs, [c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([openMs, group]) => foldGroup(group, interval, openMs, closeTimeMs(interval, openMs, tzOffsetMs)));
}

function foldGroup(parts: Candle[], interval: IntervalId, openMs: number, closeMs: number): Candle {
  parts.sort((a, b) => a.openTimeMs - b.openTimeMs);
  const first = parts[0]!;
  const builder = new CandleBuilder();
  builder.reset(openMs, closeMs);
  const part = new CandleBuilder();
  let contiguous = first.openTimeMs === openMs;
  let gapFree = true;
  let forming = false;
  let corrected = false;
  parts.forEach((c, i) => {
    if (c.exchange !== first.exchange || c.symbol !== first.symbol) {
      throw new DomainError('INVALID_CANDLES', 'candles of different series cannot be folded together');
    }
    if (i > 0 && c.openTimeMs !== parts[i - 1]!.closeTimeMs + 1) contiguous = false;
    gapFree &&= c.gapFree;
    forming ||= c.state === 'forming';
    corrected ||= c.state === 'corrected';
    loadCandle(part, c);
    builder.merge(part);
  });
  const last = parts[parts.length - 1]!;
  const complete = contiguous && (forming || last.closeTimeMs === closeMs);
  const state: CandleState = forming ? 'forming' : corrected ? 'corrected' : 'closed';
  const meta = { exchange: first.exchange, symbol: first.symbol, interval };
  return builder.toCandle(meta, state, 0, gapFree && complete, carryOf(first));
}

function carryOf(c: Candle): Carry {
  return makeCarry(c.open, wireScale(c.open), wireScale(c.volume));
}
