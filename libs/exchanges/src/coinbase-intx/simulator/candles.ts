import Decimal from 'decimal.js';
import { openTimeMs, type IntervalId } from '@exgate/domain';
import { scaleOf } from '../../common/decimal';
import { COUNTS_IN_CANDLES, GRANULARITIES } from '../constants';
import type { IntxSimPrint } from './recording';

const BY_GRANULARITY = new Map(Object.entries(GRANULARITIES).map(([interval, g]) => [g, interval as IntervalId]));

export interface SimAggregation {
  readonly start: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/**
 * The simulated exchange's candles from the matches it printed, ascending: UTC buckets opened by
 * their first counted match, volume in base, exact. INTX's own rule for which prints count is
 * undocumented: this proves the shape of its answer, not its arithmetic. Buckets without matches
 * are left out. Null: an unknown granularity.
 */
export function aggregations(prints: readonly IntxSimPrint[], granularity: string): SimAggregation[] | null {
  const interval = BY_GRANULARITY.get(granularity);
  if (!interval) return null;
  const counted = prints.filter((p) => p.side !== 'OPENING_FILL' || COUNTS_IN_CANDLES.openingFill);
  const out: SimAggregation[] = [];
  let i = 0;
  while (i < counted.length) {
    const open = openTimeMs(interval, counted[i]!.timeMs);
    const bucket: IntxSimPrint[] = [];
    for (; i < counted.length && openTimeMs(interval, counted[i]!.timeMs) === open; i++) bucket.push(counted[i]!);
    let high = new Decimal(bucket[0]!.price);
    let low = high;
    let volume = new Decimal(0);
    for (const p of bucket) {
      const price = new Decimal(p.price);
      if (price.gt(high)) high = price;
      if (price.lt(low)) low = price;
      volume = volume.plus(p.qty);
    }
    const priceScale = Math.max(...bucket.map((p) => scaleOf(p.price)));
    out.push({
      start: new Date(open).toISOString().replace('.000Z', 'Z'),
      open: bucket[0]!.price, high: high.toFixed(priceScale), low: low.toFixed(priceScale), close: bucket[bucket.length - 1]!.price,
      volume: volume.toFixed(Math.max(...bucket.map((p) => scaleOf(p.qty)))),
    });
  }
  return out;
}
