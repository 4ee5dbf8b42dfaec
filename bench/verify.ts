import { type Candle, foldCandles, INTERVALS, type IntervalId, openTimeMs, type Trade } from '@exgate/domain';
import { differencesFromReference, referenceKlines } from '../libs/domain/src/testing/reference';
import { prng } from './trades';
import type { EngineRun } from './engine';

export interface Verification {
  readonly againstReference: number;
  readonly asFolds: number;
  readonly failures: string[];
}

/**
 * The benchmark's answer must be right, not just fast: a sample of its candles is recomputed with
 * decimal.js from the raw prints (1s, 1m, 1h and one whole day), and every candle of every
 * interval from 3m up must be the exact fold of its 1m candles (and 1m the fold of its 1s).
 */
export function verify(trades: readonly Trade[], run: EngineRun, seed = 7): Verification {
  const failures: string[] = [];
  let againstReference = 0;
  const random = prng(seed);
  const byTime = [...trades].sort((a, b) => a.exchangeTimeMs - b.exchangeTimeMs || a.id - b.id);
  const samples: [IntervalId, number][] = [['1s', 400], ['1m', 200], ['1h', 6], ['1d', 1]];
  for (const [interval, count] of samples) {
    const candles = run.closed.get(interval)!.filter((c) => c.tradeCount > 0);
    for (let i = 0; i < count && candles.length > 0; i++) {
      const c = candles[Math.floor(random() * candles.length)]!;
      const inBucket = slice(byTime, c.openTimeMs, c.closeTimeMs);
      const ref = referenceKlines(inBucket, interval).get(openTimeMs(interval, c.openTimeMs));
      const diffs = ref ? differencesFromReference(c, ref) : ['no reference candle'];
      if (diffs.length > 0) failures.push(`${interval} ${c.openTimeMs}: ${diffs.join(', ')}`);
      againstReference++;
    }
  }
  let asFolds = 0;
  const check = (parts: Candle[], interval: IntervalId) => {
    const expected = new Map(run.closed.get(interval)!.map((c) => [c.openTimeMs, c]));
    for (const folded of foldCandles(parts, interval)) {
      const ours = expected.get(folded.openTimeMs);
      if (!ours) continue; // the still-forming bucket
      asFolds++;
      for (const f of ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume', 'tradeCount'] as const) {
        if (folded[f] !== ours[f]) failures.push(`${interval} ${ours.openTimeMs} ${f}: ${ours[f]} ≠ fold ${folded[f]}`);
      }
    }
  };
  check(run.closed.get('1s')!, '1m');
  for (const interval of INTERVALS.filter((i) => i !== '1s' && i !== '1m')) check(run.closed.get('1m')!, interval);
  return { againstReference, asFolds, failures };
}

function slice(byTime: readonly Trade[], fromMs: number, toMs: number): Trade[] {
  let lo = 0;
  let hi = byTime.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byTime[mid]!.exchangeTimeMs < fromMs) lo = mid + 1;
    else hi = mid;
  }
  const out: Trade[] = [];
  for (let i = lo; i < byTime.length && byTime[i]!.exchangeTimeMs <= toMs; i++) out.push(byTime[i]!);
  return out;
}
