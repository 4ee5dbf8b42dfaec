import Decimal from 'decimal.js';
import { CandleAggregator, type Candle, type CandlePolicy, type IntervalId, type Kline, type Trade } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { hotbitInfo } from './index';
import { parseFrame } from './mapper';
import { HotbitRest } from './rest';
import { dealsUpdateFrame, HotbitSimulator, hotbitFramesFromBinance, simDeal } from './simulator';

/**
 * HotBit's candle rules (../shared/exchanges.md §1.4, ViaBTC marketprice): days, 6h, 3d, weeks and
 * months on UTC+8 (hours counted from the local day start, weeks from local Monday, calendar
 * months); a bucket opens at the previous deal's price, its high and low including it; an empty
 * bucket is flat at the previous close. The engine, told HotBit's policy, must build exactly
 * these candles from HotBit's frames; so must the simulator's market.kline.
 */
const at = (iso: string): number => Date.parse(iso) * 1000;
const deals = [
  simDeal('BTCUSDT', 50, at('2024-06-30T15:59:59.500Z'), '105', '1', 'buy'),
  simDeal('BTCUSDT', 101, at('2024-07-14T15:59:30.250Z'), '100', '1', 'sell'),
  simDeal('BTCUSDT', 105, at('2024-07-14T16:00:10Z'), '110', '2', 'buy'),
  simDeal('BTCUSDT', 109, at('2024-07-14T16:00:50.999Z') + 123, '90', '1', 'sell'),
  simDeal('BTCUSDT', 120, at('2024-07-14T16:02:05Z'), '95', '0.5', 'buy'),
  simDeal('BTCUSDT', 130, at('2024-07-14T21:59:59.999Z'), '120', '1', 'buy'),
  simDeal('BTCUSDT', 131, at('2024-07-14T22:00:00Z'), '80', '1', 'sell'),
];
/** As HotBit pushed them: one push per poll, newest first. */
const frames = [deals.slice(0, 1), deals.slice(1, 2), deals.slice(2, 4), deals.slice(4, 5), deals.slice(5)].map((p) => dealsUpdateFrame('BTCUSDT', [...p].reverse()));
const trades: Trade[] = frames.flatMap((f) => {
  const r = parseFrame(f, Date.UTC(2026, 0, 1));
  if (r.type !== 'trades') throw new Error(JSON.stringify(r));
  return r.trades;
});

type Ohlcv = readonly [open: string, high: string, low: string, close: string, volume: string, quote: string];
const flat = (p: string): Ohlcv => [p, p, p, p, '0', '0'];

/** By hand, from the rules above (times are open times, UTC). */
const expected: Readonly<Record<string, Readonly<Record<string, Ohlcv>>>> = {
  '1m': {
    '2024-07-14T15:59:00Z': ['105', '105', '100', '100', '1', '100'],
    '2024-07-14T16:00:00Z': ['100', '110', '90', '90', '3', '310'],
    '2024-07-14T16:01:00Z': flat('90'),
    '2024-07-14T16:02:00Z': ['90', '95', '90', '95', '0.5', '47.5'],
    '2024-07-14T16:03:00Z': flat('95'),
    '2024-07-14T21:59:00Z': ['95', '120', '95', '120', '1', '120'],
    '2024-07-14T22:00:00Z': ['120', '120', '80', '80', '1', '80'],
  },
  // Hours from the local day start: 6h buckets open at 16:00, 22:00, 04:00 and 10:00 UTC.
  '6h': {
    '2024-07-14T04:00:00Z': flat('105'),
    '2024-07-14T10:00:00Z': ['105', '105', '100', '100', '1', '100'],
    '2024-07-14T16:00:00Z': ['100', '120', '90', '120', '4.5', '477.5'],
    '2024-07-14T22:00:00Z': ['120', '120', '80', '80', '1', '80'],
  },
  '1d': {
    '2024-06-29T16:00:00Z': ['105', '105', '105', '105', '1', '105'],
    '2024-07-13T16:00:00Z': ['105', '105', '100', '100', '1', '100'],
    '2024-07-14T16:00:00Z': ['100', '120', '80', '80', '5.5', '557.5'],
  },
  // Local days counted from the epoch: 2024-07-13 (day 19917 = 3·6639) opens a 3d bucket.
  '3d': {
    '2024-07-12T16:00:00Z': ['105', '120', '80', '80', '6.5', '657.5'],
  },
  // Weeks from local Monday 00:00, which is Sunday 16:00 UTC.
  '1w': {
    '2024-06-23T16:00:00Z': ['105', '105', '105', '105', '1', '105'],
    '2024-06-30T16:00:00Z': flat('105'),
    '2024-07-07T16:00:00Z': ['105', '105', '100', '100', '1', '100'],
    '2024-07-14T16:00:00Z': ['100', '120', '80', '80', '5.5', '557.5'],
  },
  // Calendar months from the local 1st: July starts on 30 June, 16:00 UTC.
  '1M': {
    '2024-05-31T16:00:00Z': ['105', '105', '105', '105', '1', '105'],
    '2024-06-30T16:00:00Z': ['105', '120', '80', '80', '6.5', '657.5'],
  },
};

/**
 * The engine as the CLI and the aggregator run it for HotBit: its candle policy, and ids that only
 * grow (a hole is not a loss). buildCandles cannot say the latter: it takes every id hole for one.
 */
function engineCandles(prints: readonly Trade[], interval: IntervalId, openAt = hotbitInfo.candlePolicy.openAt): Candle[] {
  const byOpen = new Map<number, Candle>();
  const engine = new CandleAggregator({
    exchange: 'hotbit', symbol: prints[0]!.symbol, intervals: [interval], graceMs: 0,
    tzOffsetMs: hotbitInfo.candlePolicy.tzOffsetMs, openAt,
    contiguousIds: hotbitInfo.capabilities.tradeIds === 'contiguous',
    onCandle: (c) => byOpen.set(c.openTimeMs, c),
  });
  for (const t of prints) engine.ingest(t);
  const forming = engine.forming(interval);
  if (forming) byOpen.set(forming.openTimeMs, forming);
  return [...byOpen.values()].sort((a, b) => a.openTimeMs - b.openTimeMs);
}

const norm = (v: string): string => new Decimal(v).toString();
const ohlcv = (k: Kline): Ohlcv => [k.open, k.high, k.low, k.close, k.volume, k.quoteVolume].map(norm) as unknown as Ohlcv;
const cases = Object.entries(expected).map(([interval, rows]) => [interval as IntervalId, rows] as const);

/**
 * The table above is the `previous-price` rule (a bucket opens at the deal before it, high and low
 * including it), as ../shared/exchanges.md §1.4 reads ViaBTC: the engine's policy is held to it on
 * HotBit's clock. HotBit's own policy is `first-print`, as ViaBTC's source has it (below).
 */
const PREVIOUS_PRICE: CandlePolicy = { ...hotbitInfo.candlePolicy, openAt: 'previous-price' };

describe("ViaBTC's bucket layout on HotBit frames, under the previous-price policy", () => {
  it('maps the frames to the deals, with ms times read exactly', () => {
    expect(trades.map((t) => [t.id, t.exchangeTimeMs])).toEqual(deals.map((d) => [d.id, Math.floor(d.micros / 1000)]));
    expect(trades[3]!.exchangeTimeMs).toBe(Date.parse('2024-07-14T16:00:50.999Z'));
  });

  it.each(cases)('the engine builds %s candles as ViaBTC does (by hand)', (interval, rows) => {
    const candles = engineCandles(trades, interval, 'previous-price');
    const byOpen = new Map<number, Candle>(candles.map((c) => [c.openTimeMs, c]));
    for (const [open, row] of Object.entries(rows)) {
      const c = byOpen.get(Date.parse(open));
      expect([open, c && ohlcv(c)]).toEqual([open, row.map(norm)]);
    }
    // Nothing before the first deal.
    expect(candles[0]!.openTimeMs).toBeLessThanOrEqual(Math.floor(deals[0]!.micros / 1000));
    expect(candles[0]!.closeTimeMs).toBeGreaterThanOrEqual(Math.floor(deals[0]!.micros / 1000));
  });

  describe('and the simulator serves the same market.kline', () => {
    let sim: HotbitSimulator;
    let rest: HotbitRest;
    beforeAll(async () => {
      sim = await HotbitSimulator.start({ frames, restHistory: 'all', candlePolicy: PREVIOUS_PRICE });
      rest = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
    });
    afterAll(async () => {
      await sim.close();
    });

    it.each(cases)('%s', async (interval, rows) => {
      for (const [open, row] of Object.entries(rows)) {
        const [k] = await rest.klines({ symbol: 'BTCUSDT', interval, startTimeMs: Date.parse(open), endTimeMs: Date.parse(open), limit: 1 });
        expect([open, k && ohlcv(k)]).toEqual([open, row.map(norm)]);
      }
    });
  });
});

it("HotBit's policy: a bucket opens at its first deal (ViaBTC's kline_info_new(price)), in the engine and the simulator alike", async () => {
  expect(hotbitInfo.candlePolicy).toEqual({ tzOffsetMs: 8 * 3_600_000, openAt: 'first-print' });
  const minute = Date.parse('2024-07-14T16:00:00Z');
  const ours = engineCandles(trades, '1m').find((c) => c.openTimeMs === minute)!;
  expect(ohlcv(ours)).toEqual(['110', '110', '90', '90', '3', '310']);
  const sim = await HotbitSimulator.start({ frames, restHistory: 'all' });
  try {
    const rest = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
    const [k] = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: minute, endTimeMs: minute });
    expect(k && ohlcv(k)).toEqual(['110', '110', '90', '90', '3', '310']);
  } finally {
    await sim.close();
  }
});

describe('exgate candles equal the simulated HotBit klines on real prints (Binance, re-encoded)', () => {
  const dir = ['binance', 'usdm-trades-2024-07-18'] as const;
  const volume = hotbitFramesFromBinance([...fixtureLines(...dir, 'btcusdt-trade-stream.jsonl'), ...fixtureLines(...dir, 'ethusdt-trade-stream.jsonl')]);
  let sim: HotbitSimulator;
  let rest: HotbitRest;
  beforeAll(async () => {
    sim = await HotbitSimulator.start({ frames: volume, restHistory: 'all' });
    rest = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(['BTCUSDT', 'ETHUSDT'])('%s: 1m, 3m, 5m, 15m, 1h, 6h and 1d, every bucket, exactly', async (market) => {
    const prints = volume.flatMap((f) => {
      const r = parseFrame(f, Date.UTC(2026, 0, 1));
      return r.type === 'trades' ? r.trades.filter((t) => t.symbol === market) : [];
    });
    expect(prints.length).toBe(sim.timeline(market).length);
    const first = prints[0]!.exchangeTimeMs;
    const last = prints.at(-1)!.exchangeTimeMs;
    for (const interval of ['1m', '3m', '5m', '15m', '1h', '6h', '1d'] as const) {
      const ours = engineCandles(prints, interval);
      const theirs = await rest.klines({ symbol: market, interval, startTimeMs: ours[0]!.openTimeMs, endTimeMs: last, limit: 1000 });
      expect(ours.length).toBeGreaterThan(0);
      expect({ interval, rows: theirs.map((k) => [k.openTimeMs, ...ohlcv(k)]) }).toEqual({ interval, rows: ours.map((c) => [c.openTimeMs, ...ohlcv(c)]) });
      expect(ours[0]!.openTimeMs).toBeLessThanOrEqual(first);
    }
  });
});
