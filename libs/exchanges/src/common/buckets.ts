import { nextOpenTimeMs, openTimeMs } from '@exgate/domain';
import type { KlineQuery } from '../types';

/**
 * Open times of the buckets a query asks for, ascending: from the first bucket opening at or
 * after `startTimeMs` (at most `limit`, none after `endTimeMs` or now), else the `limit` newest
 * up to `endTimeMs` or now.
 */
export function bucketsOf(query: KlineQuery, limit: number, nowMs: number): number[] {
  const { interval } = query;
  const newest = openTimeMs(interval, Math.min(query.endTimeMs ?? nowMs, nowMs));
  const out: number[] = [];
  if (query.startTimeMs !== undefined) {
    let open = openTimeMs(interval, query.startTimeMs);
    if (open < query.startTimeMs) open = nextOpenTimeMs(interval, open);
    for (; open <= newest && out.length < limit; open = nextOpenTimeMs(interval, open)) out.push(open);
    return out;
  }
  for (let open = newest; out.length < limit; open = openTimeMs(interval, open - 1)) out.unshift(open);
  return out;
}

export function pagesOf(buckets: readonly number[], size: number): number[][] {
  const pages: number[][] = [];
  for (let i = 0; i < buckets.length; i += size) pages.push(buckets.slice(i, i + size));
  return pages;
}
