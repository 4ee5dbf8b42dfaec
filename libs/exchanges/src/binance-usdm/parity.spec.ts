import Decimal from 'decimal.js';
import { buildCandles, CandleAggregator, foldCandles, INTERVALS, type Candle, type Kline, type Trade } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';
import { parseFrame, parseKlineFrame } from './mapper';

/**
 * Parity with Binance's own candles on recorded real data (shared/fixtures/binance, see its
 * README): the frames go through this exchange's mapper, then through the domain's candle engine.
 */
const D = Decimal.clone({ precision: 60 });

function tradesOf(lines: readonly string[]): Trade[] {
  return lines.flatMap((line) => {
    const eventTimeMs = (JSON.parse(line) as { data: { E: number } }).data.E;
    const result = parseFrame(line, eventTimeMs);
    if (result.type !== 'trades') throw new Error(`fixture frame not a trade: ${line.slice(0, 120)}`);
    return result.trades;
  });
}

const KLINE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/** The 9 kline fields, decimals compared as decimals ("28171.5" equals "28171.50000000"). */
function expectSameKline(ours: Kline, theirs: Partial<Kline>, label: string): void {
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

describe('Binance USDⓈ-M trade stream → 1m candles', () => {
  const trades = tradesOf(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));
  const published = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv').slice(1).map((row) => {
    const [openTime, open, high, low, close, volume, , quoteVolume, count, takerBuyVolume, takerBuyQuoteVolume] = row.split(',');
    return {
      openTimeMs: Number.parseInt(openTime!, 10), open, high, low, close, volume, quoteVolume,
      tradeCount: Number.parseInt(count!, 10), takerBuyVolume, takerBuyQuoteVolume,
    } as Kline;
  });
  const candles = buildCandles(trades, '1m');
  const firstMs = trades[0]!.exchangeTimeMs;
  const lastMs = trades[trades.length - 1]!.exchangeTimeMs;
  const wholeMinutes = published.filter((k) => k.openTimeMs > firstMs && k.openTimeMs + 59_999 < lastMs);

  it('covers whole minutes of the capture, and only those are gap-free', () => {
    expect(wholeMinutes.map((k) => new Date(k.openTimeMs).toISOString().slice(11, 16)))
      .toEqual(['23:58', '23:59', '00:00', '00:01', '00:02', '00:03', '00:04']);
    const gapFree = candles.filter((c) => c.gapFree && c.state === 'closed').map((c) => c.openTimeMs);
    expect(gapFree).toEqual(wholeMinutes.map((k) => k.openTimeMs));
  });

  it('equals Binance on all 9 fields, to the string, for every whole minute', () => {
    for (const theirs of wholeMinutes) {
      const ours = candles.find((c) => c.openTimeMs === theirs.openTimeMs)!;
      expectSameKline(ours, theirs, new Date(theirs.openTimeMs).toISOString());
      expect(KLINE_FIELDS.map((f) => ours[f])).toEqual(KLINE_FIELDS.map((f) => theirs[f]));
      expect(ours.closeTimeMs).toBe(theirs.openTimeMs + 59_999);
    }
  });
});

describe('Binance USDⓈ-M trade stream through the all-interval aggregator', () => {
  const trades = tradesOf(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));
  const closed: Candle[] = [];
  const aggregator = new CandleAggregator({ exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals: INTERVALS, onCandle: (c) => closed.push(c) });
  for (const t of trades) aggregator.ingest(t);
  const oneMinute = buildCandles(trades, '1m').filter((c) => c.state === 'closed');

  it('gives the same 1m candles as the one-interval build, and each is the fold of its 1s candles', () => {
    const ours = closed.filter((c) => c.interval === '1m');
    expect(ours).toEqual(oneMinute);
    const formingMinuteMs = aggregator.forming('1m')!.openTimeMs;
    const folded = foldCandles(closed.filter((c) => c.interval === '1s' && c.openTimeMs < formingMinuteMs), '1m');
    expect(folded.map(({ version: _v, ...c }) => c)).toEqual(ours.map(({ version: _v, ...c }) => c));
  });

  it('has coarser forming candles (5m … 1M) equal to the fold of the 1m candles so far', () => {
    for (const interval of ['5m', '15m', '1h', '1d', '1M'] as const) {
      const forming = aggregator.forming(interval)!;
      const parts = [...closed.filter((c) => c.interval === '1m' && c.openTimeMs >= forming.openTimeMs), aggregator.forming('1m')!];
      expect(foldCandles(parts, interval)).toEqual([forming]);
    }
  });
});

describe('Binance spot trade stream → 1m OHLCV', () => {
  const trades = tradesOf(fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl'));
  const bars = fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-ohlcv-1m.csv').slice(1).map((row) => {
    const [timestamp, open, high, low, close, volume] = row.split(',');
    return { openTimeMs: Date.parse(`${timestamp!.replace(' ', 'T')}Z`), open, high, low, close, volume } as Partial<Kline>;
  });
  const candles = buildCandles(trades, '1m');
  const wholeMinutes = candles.filter((c) => c.gapFree && c.state === 'closed');

  it('equals the published bars on OHLCV for every minute the capture covers whole', () => {
    expect(wholeMinutes.map((c) => new Date(c.openTimeMs).toISOString().slice(11, 16)))
      .toEqual(['00:00', '00:01', '00:02', '00:03', '00:04', '00:05']);
    for (const ours of wholeMinutes) {
      const theirs = bars.find((b) => b.openTimeMs === ours.openTimeMs);
      expect(theirs).toBeDefined();
      expectSameKline(ours, theirs!, new Date(ours.openTimeMs).toISOString());
    }
  });

  it('keeps spot’s 8-decimal wire format', () => {
    const c = wholeMinutes[0]!;
    expect(c.open).toMatch(/^\d+\.\d{8}$/);
    expect(c.volume).toMatch(/^\d+\.\d{8}$/);
    expect(c.quoteVolume).toMatch(/^\d+\.\d{8}$/);
  });
});

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
 * Every kline snapshot of the recorded `kline_1m` stream against our forming candle after the
 * aggTrades of the same capture up to the snapshot's last trade id `L`:
 * - a snapshot whose `L` falls inside an aggTrade (Binance updates klines per fill, aggTrades
 *   group fills) cannot be matched by any prefix of aggTrades: skipped, and counted;
 * - a minute whose first fill (`f`) is the first fill of our first aggTrade in it is covered whole:
 *   all 9 fields must be equal;
 * - the minute the capture starts in is covered from mid-minute only: there the fills between two
 *   snapshots are all ours, so close, the change of every sum and of the count, and the extremes
 *   (max of Binance's earlier high and ours) must agree.
 */
describe.each([
  // perp: 116 snapshots = 13 whole-minute + 1 baseline + 73 partial-minute + 29 inside an aggTrade.
  // Its aggTrades skip raw ids 7910555261 and 7910555381 (fills Binance leaves out of aggTrades);
  // the kline counts skip them too, so Σ(l − f + 1) over aggTrades is Binance's `n`.
  ['perp', { whole: 13, partial: 73, unmatched: 29 }],
  // spot: 30 = 4 + 1 + 24 + 1 (the first snapshot precedes the capture's first aggTrade).
  ['spot', { whole: 4, partial: 24, unmatched: 1 }],
] as const)('Binance %s kline_1m snapshots vs our forming candle after the same aggTrades', (market, expected) => {
  const trades = tradesOf(fixtureLines('binance', 'ws-captures-2026', `${market}_aggTrade.jsonl`));
  const snapshots = snapshotsOf(fixtureLines('binance', 'ws-captures-2026', `${market}_kline_1m.jsonl`));

  it('matches every snapshot the capture can explain', () => {
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
      const label = `${market} ${theirs.openTimeMs} L=${snap.lastTradeId}`;
      expect(ours.openTimeMs).toBe(theirs.openTimeMs);
      const firstOfMinute = trades.find((t) => t.exchangeTimeMs >= theirs.openTimeMs)!;
      if (firstOfMinute.firstTradeId === snap.firstTradeId) {
        expectSameKline(ours, theirs, label);
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
        if (!sub(theirs[f], base.theirs[f]).eq(sub(ours[f], base.ours[f]))) throw new Error(`${label} change of ${f} differs`);
      }
      expect(theirs.tradeCount - base.theirs.tradeCount).toBe(ours.tradeCount - base.ours.tradeCount);
      seen.partial++;
    }
    expect(seen).toEqual(expected);
  });
});
