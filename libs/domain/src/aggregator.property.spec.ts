import fc from 'fast-check';
import { CandleAggregator, type IngestOutcome } from './aggregator';
import type { Candle } from './candle';
import { foldCandles } from './fold';
import { type IntervalId, nestsIn } from './interval';
import { differencesFromReference, referenceKlines } from './testing/reference';
import { print } from './testing/trades';
import type { Trade } from './trade';

/**
 * Random streams with late prints, lost prints (id gaps), duplicates, quiet stretches (empty
 * buckets) and clock advances, fed to the aggregator; the published candles must keep the
 * engine's promises whatever happens.
 */
const INTERVALS: IntervalId[] = ['1s', '1m', '3m', '5m', '15m', '1h'];
const START_MS = Date.UTC(2024, 1, 29, 23, 50); // leap day, ten minutes before March

const printArb = fc.record({
  gapMs: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 3_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 400_000 }) },
  ),
  price: fc.stringMatching(/^6[0-9]{4}(\.\d{1,3})?$/),
  qty: fc.stringMatching(/^(0|[1-9]\d{0,2})\.\d{1,8}$/),
  sell: fc.boolean(),
  fills: fc.integer({ min: 1, max: 3 }),
  market: fc.oneof({ weight: 20, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  /**
   * The exchange stamped this print earlier than the one before it (ids and times disagree), by at
   * most the grace window. Values stay exact; completeness cannot be judged from id holes then
   * (docs/adr/0005-candle-engine.md), so the gap-free property runs without skew.
   */
  skewMs: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_500 }) }),
  delay: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) }),
  lost: fc.oneof({ weight: 25, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  duplicated: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  advanceMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { freq: 4 }),
  /** After the delivery: the connection drops (suspend), or a loss is declared (markGap). */
  event: fc.oneof(
    { weight: 30, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant('suspend' as const) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 120_000 }) },
  ),
});

const scenarioArb = fc.record({
  prints: fc.array(printArb, { minLength: 1, maxLength: 150 }),
  graceMs: fc.constantFrom(0, 1_000, 60_000, 1e12),
  /** The candle policy: Binance's buckets open at their first print, ViaBTC's at the one before. */
  openAt: fc.constantFrom('first-print' as const, 'previous-price' as const),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
type PrintStep = Scenario['prints'][number];

const step = (s: Partial<PrintStep>): PrintStep => ({
  gapMs: 0, price: '60000', qty: '1.0', sell: false, fills: 1, market: true, skewMs: 0, delay: 0,
  lost: false, duplicated: false, advanceMs: null, event: null, ...s,
});

/**
 * Found by a soak: #3 is stamped before #2 (skew) and reaches the engine first, opening a hole for
 * #2, which is later in time than anything seen. The engine put it in the forming bucket although
 * its time lay past that bucket's end; a hole's print now moves time on like any other.
 */
const HOLE_FILLED_LATER_IN_TIME: Scenario = {
  prints: [
    step({ gapMs: 3000 }),
    step({ gapMs: 1000, qty: '0.0', delay: 2 }),
    step({ gapMs: 1, qty: '0.0', market: false, skewMs: 2 }),
    step({ gapMs: 1 }),
  ],
  graceMs: 1e12,
  openAt: 'first-print',
};

/**
 * Found by a soak: a suspension dated before buckets already closed (the print it follows came
 * late) marked their republication incomplete, and nothing marked them complete again once the
 * stream proved whole; the coarse candle closing later said complete. A suspension now starts no
 * earlier than the watermark.
 */
const SUSPENDED_IN_THE_PAST: Scenario = {
  prints: [
    step({ delay: 5, event: 'suspend' }),
    step({ gapMs: 57202, qty: '0.0' }),
    step({ gapMs: 672, delay: 3 }),
    step({ gapMs: 2126, qty: '0.0' }),
    step({ gapMs: 1000 }),
    step({ gapMs: 1, advanceMs: 58999 }),
  ],
  graceMs: 1e12,
  openAt: 'first-print',
};

interface Run {
  readonly truth: Trade[];
  readonly applied: Trade[];
  readonly emitted: Candle[];
  readonly latest: Map<string, Candle>;
  readonly forming: Map<IntervalId, Candle>;
}

/** The true stream, the order it is delivered in (late, lost, twice), and what came out. */
function run(scenario: Scenario, withDuplicates = true, skewed = true): Run {
  let timeMs = START_MS;
  const truth = scenario.prints.map((s, i) => {
    timeMs += s.gapMs;
    return print({ id: i + 1, atMs: Math.max(START_MS, timeMs - (skewed ? Math.min(s.skewMs, scenario.graceMs) : 0)), price: s.price, qty: s.qty, sell: s.sell, fills: s.fills, market: s.market });
  });
  const last = truth.length - 1;
  const deliveries: { key: number; trade: Trade; advanceMs: number | null; event: Scenario['prints'][number]['event'] }[] = [];
  scenario.prints.forEach((s, i) => {
    if (s.lost && i !== last) return;
    const key = i === last ? Number.POSITIVE_INFINITY : i + s.delay;
    deliveries.push({ key, trade: truth[i]!, advanceMs: s.advanceMs, event: s.event });
    if (s.duplicated && withDuplicates) deliveries.push({ key: key + s.delay + 1, trade: truth[i]!, advanceMs: null, event: null });
  });
  deliveries.sort((a, b) => a.key - b.key);
  const emitted: Candle[] = [];
  const aggregator = new CandleAggregator({
    exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals: INTERVALS, graceMs: scenario.graceMs, openAt: scenario.openAt,
    onCandle: (c) => emitted.push(c),
  });
  const applied: Trade[] = [];
  const delivered = new Set<number>();
  for (const { trade, advanceMs, event } of deliveries) {
    const outcome: IngestOutcome = aggregator.ingest(trade);
    if (outcome === 'applied' || outcome === 'corrected') applied.push(trade);
    delivered.add(trade.id);
    if (event === 'suspend') aggregator.suspend(trade.exchangeTimeMs);
    else if (event !== null) aggregator.markGap(trade.exchangeTimeMs - event, trade.exchangeTimeMs);
    if (advanceMs !== null) {
      // The clock never runs past a print not delivered (yet, or ever): a candle it closed would
      // be complete as far as known, and if no later id arrived within the grace window to
      // reveal the loss it would stay so (see the ADR: losses come from disconnections, which
      // suspend()).
      const pendingMs = Math.min(...truth.filter((t) => !delivered.has(t.id)).map((t) => t.exchangeTimeMs));
      aggregator.advanceTo(Math.min(trade.exchangeTimeMs + advanceMs, pendingMs));
    }
  }
  const latest = new Map<string, Candle>();
  for (const c of emitted) latest.set(`${c.interval}:${c.openTimeMs}`, c);
  const forming = new Map(INTERVALS.map((i) => [i, aggregator.forming(i)!]));
  return { truth, applied, emitted, latest, forming };
}

const KLINE = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume', 'tradeCount', 'firstTradeId', 'lastTradeId'] as const;
const klineOf = (c: Candle) => Object.fromEntries(KLINE.map((k) => [k, c[k]]));

describe('the aggregator on random streams (property)', () => {
  it('publishes every coarse candle as the fold of the finer candles it spans, including after corrections', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { latest, forming } = run(scenario);
      const closed = [...latest.values()];
      for (const coarse of closed) {
        for (const fine of INTERVALS.filter((i) => nestsIn(i, coarse.interval))) {
          const parts = closed.filter((c) => c.interval === fine && c.openTimeMs >= coarse.openTimeMs && c.closeTimeMs <= coarse.closeTimeMs);
          expect(parts.length).toBeGreaterThan(0);
          const [folded] = foldCandles(parts, coarse.interval);
          expect(klineOf(folded!)).toEqual(klineOf(coarse));
          // Completeness learnt after a fine candle's grace window reaches only the coarse one.
          if (scenario.graceMs > 1e11) expect(folded!.gapFree).toBe(coarse.gapFree);
          else if (coarse.gapFree) expect(folded!.gapFree).toBe(true);
        }
      }
      for (const [interval, coarse] of forming) {
        for (const fine of INTERVALS.filter((i) => nestsIn(i, interval))) {
          const parts = closed.filter((c) => c.interval === fine && c.openTimeMs >= coarse.openTimeMs);
          const [folded] = foldCandles([...parts, forming.get(fine)!], interval);
          expect(klineOf(folded!)).toEqual(klineOf(coarse));
        }
      }
    }), { numRuns: 150, examples: [[SUSPENDED_IN_THE_PAST]] });
  });

  it('equals the decimal.js reference over the prints it accepted', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { applied, latest, forming } = run(scenario);
      for (const interval of INTERVALS) {
        const reference = referenceKlines(applied, interval, 0, scenario.openAt);
        const ours = [...latest.values(), ...forming.values()].filter((c) => c.interval === interval);
        for (const c of ours) {
          const ref = reference.get(c.openTimeMs);
          if (ref) expect(differencesFromReference(c, ref)).toEqual([]);
          else expect(c.tradeCount).toBe(0);
        }
        for (const openTimeMs of reference.keys()) expect(ours.some((c) => c.openTimeMs === openTimeMs)).toBe(true);
      }
    }), { numRuns: 150, examples: [[HOLE_FILLED_LATER_IN_TIME]] });
  });

  it('only calls a candle gap-free when it holds every print of the true stream in its bucket', () => {
    // Binance's policy: under ViaBTC's a candle's open also rests on the print before its bucket.
    fc.assert(fc.property(scenarioArb.map((s) => ({ ...s, openAt: 'first-print' as const })), (scenario) => {
      const { truth, latest, forming } = run(scenario, true, false);
      for (const interval of INTERVALS) {
        const reference = referenceKlines(truth, interval);
        for (const c of [...latest.values(), forming.get(interval)!]) {
          if (c.interval !== interval || !c.gapFree) continue;
          const ref = reference.get(c.openTimeMs);
          if (ref) expect(differencesFromReference(c, ref)).toEqual([]);
          else expect(c.tradeCount).toBe(0);
        }
      }
    }), { numRuns: 150 });
  });

  it('is not changed by duplicates: the same candles come out, in the same order', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      expect(run(scenario, true).emitted).toEqual(run(scenario, false).emitted);
    }), { numRuns: 100 });
  });

  it('publishes a candle first as closed v1, then only as corrected with growing versions', () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const seen = new Map<string, number>();
      for (const c of run(scenario).emitted) {
        const key = `${c.interval}:${c.openTimeMs}`;
        const previous = seen.get(key) ?? 0;
        expect(c.version).toBe(previous + 1);
        expect(c.state).toBe(previous === 0 ? 'closed' : 'corrected');
        seen.set(key, c.version);
      }
    }), { numRuns: 100 });
  });
});
