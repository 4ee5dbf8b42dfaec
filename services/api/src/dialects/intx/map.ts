import type { Candle, IntervalId } from '@exgate/domain';
import type { Market } from '../common/symbols';
import { isoSeconds } from '../common/time';

/** Seed 002's granularities and exgate's intervals (INTX has no 3m, 4h, 8h, 12h, 3d, 1w, 1M). */
export const GRANULARITIES = {
  ONE_MINUTE: '1m',
  FIVE_MINUTE: '5m',
  FIFTEEN_MINUTE: '15m',
  THIRTY_MINUTE: '30m',
  ONE_HOUR: '1h',
  TWO_HOUR: '2h',
  SIX_HOUR: '6h',
  ONE_DAY: '1d',
} as const satisfies Record<string, IntervalId>;
export type Granularity = keyof typeof GRANULARITIES;

export function isGranularity(text: string): text is Granularity {
  return Object.hasOwn(GRANULARITIES, text);
}

/** INTX's instrument names: BTC-PERP (USDC-margined perpetual) and BTC-USDC (spot). */
export function readInstrument(upper: string): Market | undefined {
  const perp = /^([A-Z0-9]{1,20})-PERP$/.exec(upper);
  if (perp) return { base: perp[1]!, quote: 'USDC', contract: 'perp' };
  const spot = /^([A-Z0-9]{1,20})-([A-Z0-9]{1,20})$/.exec(upper);
  return spot ? { base: spot[1]!, quote: spot[2]!, contract: 'spot' } : undefined;
}

export interface Aggregation {
  readonly start: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** Pure: an exgate candle as one of seed 002's aggregations (strings; volume in the base asset). */
export function aggregationOf(c: Candle): Aggregation {
  return { start: isoSeconds(c.openTimeMs), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}
