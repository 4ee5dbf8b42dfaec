import Decimal from 'decimal.js';
import { openTimeMs, type IntervalId } from '@exgate/domain';
import { scaleOf } from '../../common/decimal';
import { countsInCandles } from '../mapper';
import type { BybitSimPrint } from './recording';

const BY_CODE: Readonly<Record<string, IntervalId>> = {
  '1': '1m', '3': '3m', '5': '5m', '15': '15m', '30': '30m', '60': '1h', '120': '2h', '240': '4h', '360': '6h', '720': '12h',
  D: '1d', W: '1w', M: '1M',
};

export interface SimKline {
  readonly openTimeMs: number;
  /** `[startTime, open, high, low, close, volume, turnover]`, strings, as Bybit sends a row. */
  readonly row: readonly [string, string, string, string, string, string, string];
}

/**
 * The simulated exchange's klines, ascending, from the fills it printed: UTC buckets opened by
 * their first counted print, volume in base, turnover Σ price × size, exact. Which fills count
 * follows exgate's rule (countsInCandles): Bybit's own is unverified, so this proves the shape of
 * Bybit's answer, not its arithmetic. Buckets without fills are left out.
 */
export function klineRows(prints: readonly BybitSimPrint[], code: string): SimKline[] {
  const interval = BY_CODE[code];
  if (!interval) return [];
  const counted = prints.filter((p) => countsInCandles(p.blockTrade, p.rpiTrade));
  const out: SimKline[] = [];
  let i = 0;
  while (i < counted.length) {
    const open = openTimeMs(interval, counted[i]!.tradeTimeMs);
    const bucket: BybitSimPrint[] = [];
    for (; i < counted.length && openTimeMs(interval, counted[i]!.tradeTimeMs) === open; i++) bucket.push(counted[i]!);
    let high = new Decimal(bucket[0]!.price);
    let low = high;
    let volume = new Decimal(0);
    let turnover = new Decimal(0);
    for (const p of bucket) {
      const price = new Decimal(p.price);
      if (price.gt(high)) high = price;
      if (price.lt(low)) low = price;
      volume = volume.plus(p.size);
      turnover = turnover.plus(price.mul(p.size));
    }
    const priceScale = Math.max(...bucket.map((p) => scaleOf(p.price)));
    const sizeScale = Math.max(...bucket.map((p) => scaleOf(p.size)));
    out.push({
      openTimeMs: open,
      row: [String(open), bucket[0]!.price, high.toFixed(priceScale), low.toFixed(priceScale), bucket[bucket.length - 1]!.price,
        volume.toFixed(sizeScale), turnover.toFixed(priceScale + sizeScale)],
    });
  }
  return out;
}
