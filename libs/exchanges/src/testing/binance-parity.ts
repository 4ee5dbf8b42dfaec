import Decimal from 'decimal.js';
import { CandleAggregator, type Candle, type Kline, type Trade } from '@exgate/domain';
import { parseKlineFrame } from '../binance/mapper';
import type { FrameResult } from '../types';

/**
 * Parity helpers for Binance's recorded data (shared/fixtures/binance, see its README): frames go
 * through an exchange's mapper, then through the domain's candle engine, and are held against
 * Binance's own candles.
 */
export const D = Decimal.clone({ precision: 60 });

export function tradesOf(parseFrame: (raw: string, at: number) => FrameResult, lines: readonly string[]): Trade[] {
  return lines.flatMap((line) => {
    const eventTimeMs = (JSON.parse(line) as { data: { E: number } }).data.E;
    const result = parseFrame(line, eventTimeMs);
    if (result.type !== 'trades') throw new Error(`fixture frame not a trade: ${line.slice(0, 120)}`);
    return result.trades;
  });
}

export const KLINE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/** The 9 kline fields, decimals compared as decimals ("28171.5" equals "28171.50000000"). */
export function expectSameKline(ours: Kline, theirs: Partial<Kline>, label: string): void {
  for (const field of KLINE_FIELDS) {
    const expected = theirs[field];
    if (expected === undefined) continue;
    const same = new D(ours[field]).eq(new D(expected));
    if (!same) throw new Error(`${label} ${field}: ours ${ours[field]}, Binance ${expected}`);
  }
  if (theirs.tradeCount !== undefined && ours.tradeCount !== theirs.tradeCount) {
    throw new Error(`${label} tradeCount: ours ${ours.tradeCount}, Binance ${theirs.tradeCount}`);
  }
}

interface Snapshot {
  readonly kline: Kline;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly closed: boolean;
}

function snapshotsOf(lines: readonly string[]): Snapshot[] {
  return lines.map((line) => {
    const result = parseKlineFrame(line, (JSON.parse(line) as { data: { E: number } }).data.E);
    if (result.type !== 'kline') throw new Error(`fixture frame not a kline: ${line.slice(0, 120)}`);
    return { kline: result.kline, firstTradeId: result.firstTradeId, lastTradeId: result.lastTradeId, closed: result.closed };
  });
}

const sub = (a: string, b: string) => new D(a).minus(b);

/**
 * Every kline snapshot of a recorded `kline_1m` stream against our forming candle after the
 * aggTrades of the same capture up to the snapshot's last trade id `L`:
 * - a snapshot whose `L` falls inside an aggTrade (Binance updates klines per fill, aggTrades
 *   group fills) cannot be matched by any prefix of aggTrades: skipped, and counted;
 * - a minute whose first fill (`f`) is the first fill of our first aggTrade in it is covered whole:
 *   all 9 fields must be equal;
 * - the minute the capture starts in is covered from mid-minute only: there the fills between two
 *   snapshots are all ours, so close, the change of every sum and of the count, and the extremes
 *   (max of Binance's earlier high and ours) must agree.
 * Returns how many snapshots fell in each case.
 */
export function matchKlineSnapshots(label: string, trades: readonly Trade[], klineLines: readonly string[]): { whole: number; partial: number; unmatched: number } {
  const snapshots = snapshotsOf(klineLines);
  const aggregator = new CandleAggregator({ exchange: 'binance', symbol: 'BTCUSDT', intervals: ['1m'], onCandle: () => undefined });
  const baselines = new Map<number, { theirs: Kline; ours: Candle }>();
  const seen = { whole: 0, partial: 0, unmatched: 0 };
  let next = 0;
  for (const snap of snapshots) {
    while (next < trades.length && trades[next]!.lastTradeId <= snap.lastTradeId) aggregator.ingest(trades[next++]!);
    if (next === 0 || trades[next - 1]!.lastTradeId !== snap.lastTradeId) {
      seen.unmatched++; // L inside an aggTrade, or before the capture's first one
      continue;
    }
    const theirs = snap.kline;
    const ours = aggregator.forming('1m')!;
    const where = `${label} ${theirs.openTimeMs} L=${snap.lastTradeId}`;
    expect(ours.openTimeMs).toBe(theirs.openTimeMs);
    const firstOfMinute = trades.find((t) => t.exchangeTimeMs >= theirs.openTimeMs)!;
    if (firstOfMinute.firstTradeId === snap.firstTradeId) {
      expectSameKline(ours, theirs, where);
      expect(KLINE_FIELDS.map((f) => ours[f])).toEqual(KLINE_FIELDS.map((f) => theirs[f]));
      expect(ours.gapFree).toBe(true);
      seen.whole++;
      continue;
    }
    expect(ours.gapFree).toBe(false);
    const base = baselines.get(theirs.openTimeMs);
    if (!base) {
      baselines.set(theirs.openTimeMs, { theirs, ours });
      continue;
    }
    expect(ours.close).toBe(theirs.close);
    expect(new D(theirs.high).eq(D.max(base.theirs.high, ours.high))).toBe(true);
    expect(new D(theirs.low).eq(D.min(base.theirs.low, ours.low))).toBe(true);
    for (const f of ['volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const) {
      if (!sub(theirs[f], base.theirs[f]).eq(sub(ours[f], base.ours[f]))) throw new Error(`${where} change of ${f} differs`);
    }
    expect(theirs.tradeCount - base.theirs.tradeCount).toBe(ours.tradeCount - base.ours.tradeCount);
    seen.partial++;
  }
  return seen;
}
