import fc from 'fast-check';
import type { Candle } from './candle';
import { INTERVALS, type IntervalId } from './interval';
import { type Batch, StoredEngine, shortestCandle } from './testing/store';
import { print } from './testing/trades';
import type { Trade } from './trade';

/**
 * An engine stops (cleanly between batches, or torn: prints stored, candles not), a new one is
 * restored from what the first stored, the uncommitted batches are delivered again and the stream
 * goes on. Everything published and stored must be what one engine fed the stream once gives.
 *
 * The input is what the service hands the engine (docs/adr/0007): per batch, prints in ascending
 * ids (some lost for good), then maybe a declared gap up to the latest print, then maybe a
 * watermark that never passes the next print. Prints can be late by a few seconds within the
 * grace window. Grace windows are whole root buckets, as the ADR requires for exactness.
 */
const START_MS = Date.UTC(2024, 1, 29, 23, 50); // leap day, ten minutes before March

const stepArb = fc.record({
  gapMs: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 3_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 400_000 }) },
  ),
  lateMs: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4_000 }) }),
  price: fc.stringMatching(/^6[0-9]{4}(\.\d{1,3})?$/),
  qty: fc.stringMatching(/^(0|[1-9]\d{0,2})\.\d{1,8}$/),
  sell: fc.boolean(),
  fills: fc.integer({ min: 1, max: 3 }),
  market: fc.oneof({ weight: 20, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  lost: fc.oneof({ weight: 25, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  endsBatch: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  advanceMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { freq: 3 }),
  declaredGapMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { freq: 25 }),
});

const setups: { intervals: readonly IntervalId[]; graces: number[] }[] = [
  { intervals: ['1s', '1m', '3m', '5m', '15m', '1h'], graces: [0, 1_000, 60_000] },
  { intervals: INTERVALS, graces: [0, 5_000] },
  // Two roots (3m does not nest in 5m).
  { intervals: ['3m', '5m', '15m', '1h'], graces: [0, 900_000] },
];

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 120 }),
  setup: fc.integer({ min: 0, max: setups.length - 1 }),
  grace: fc.nat(),
  cut: fc.nat(),
  replayed: fc.integer({ min: 0, max: 3 }),
  torn: fc.boolean(),
  /** The candle policy: ViaBTC's buckets open at the print before them, so restores must carry it. */
  openAt: fc.constantFrom('first-print' as const, 'previous-price' as const),
});

/** The stream as the service delivers it, batch by batch. */
function batchesOf(steps: readonly Step[], graceMs: number): Batch[] {
  const intended: number[] = [];
  let nominalMs = START_MS;
  for (const s of steps) intended.push((nominalMs += s.gapMs) - s.lateMs);
  const batches: Batch[] = [];
  let prints: Trade[] = [];
  let watermarkMs = Number.NEGATIVE_INFINITY;
  /** What the engine has been shown: delivered prints and watermarks (lost prints are not). */
  let shownMs = Number.NEGATIVE_INFINITY;
  steps.forEach((s, i) => {
    // Late, but never so late the engine would refuse it: the collector vouched for the watermark.
    const atMs = Math.max(intended[i]!, watermarkMs - graceMs, START_MS);
    watermarkMs = Math.max(watermarkMs, atMs);
    if (!s.lost || i === steps.length - 1) {
      prints.push(print({ id: i + 1, atMs, price: s.price, qty: s.qty, sell: s.sell, fills: s.fills, market: s.market }));
      shownMs = Math.max(shownMs, atMs);
    }
    if (!s.endsBatch && i < steps.length - 1) return;
    // The collector declares a gap with the print after the hole: it never ends past what was shown.
    const gap = s.declaredGapMs === null || shownMs === Number.NEGATIVE_INFINITY ? null : { fromMs: shownMs - s.declaredGapMs, toMs: shownMs };
    let advanceToMs: number | null = null;
    if (s.advanceMs !== null) {
      advanceToMs = Math.min(watermarkMs + s.advanceMs, intended[i + 1] ?? Number.POSITIVE_INFINITY);
      watermarkMs = Math.max(watermarkMs, advanceToMs);
      shownMs = Math.max(shownMs, advanceToMs);
    }
    batches.push({ prints, gap, advanceToMs });
    prints = [];
  });
  return batches;
}

const canonical = (candles: readonly Candle[]) => candles.map(shortestCandle);

/**
 * Found by a random seed (1751916904) when the engine ordered open and close by id alone: a market
 * print stamped 1 ms before the previous one, after a non-market print, then a torn write. The
 * restored engine took the stored last id (a non-market print) for the close's key and disagreed
 * with the engine fed once. Kept as an example every run checks first.
 */
const step = (s: Partial<Step>): Step => ({
  gapMs: 0, lateMs: 0, price: '60000', qty: '1.0', sell: false, fills: 1, market: true,
  lost: false, endsBatch: false, advanceMs: null, declaredGapMs: null, ...s,
});
const TORN_AFTER_SKEWED_PRINT = {
  steps: [
    step({ gapMs: 1, endsBatch: true }),
    step({ gapMs: 999, price: '60000.5' }),
    step({ lateMs: 1, qty: '0.0', market: false, endsBatch: true }),
    step({ qty: '0.0' }),
  ],
  setup: 1, grace: 3, cut: 1670320682, replayed: 0, torn: true, openAt: 'first-print' as const,
};

/**
 * Found by a random seed once the one above was fixed: the second print is stamped 2 ms before the
 * first, inside the grace window but before the first bucket the engine had opened. It was refused
 * as too late, so no candle counted its id and the restored engine took the next print for a hole.
 * Every correctable bucket now exists for a late print, before the first print too.
 */
const LATE_BEFORE_THE_FIRST_PRINT = {
  steps: [
    step({ gapMs: 1000, endsBatch: true }),
    step({ gapMs: 1, lateMs: 2, qty: '0.0', endsBatch: true }),
    step({ gapMs: 999 }),
    step({ qty: '0.0' }),
  ],
  setup: 1, grace: 15, cut: 405367123, replayed: 0, torn: false, openAt: 'first-print' as const,
};

/**
 * Found by a soak: a bucket stored while forming (complete, empty) closed unpublished when a hole
 * opened over it; the restore took the forming row's completeness for the closed bucket's, and a
 * late print then published it as complete. A forming row of a closed bucket now counts as none.
 */
const CLOSED_UNPUBLISHED = {
  steps: [
    step({ gapMs: 1, qty: '0.0', endsBatch: true, advanceMs: 999 }),
    step({ gapMs: 999, qty: '0.0', lost: true }),
    step({ gapMs: 1000, endsBatch: true }),
    step({ gapMs: 1, lateMs: 2 }),
  ],
  setup: 0, grace: 1178271250, cut: 41739695, replayed: 0, torn: true, openAt: 'first-print' as const,
};

/**
 * Found by a random seed once buckets could open at the previous price: a print stamped a second
 * before the one it follows lands, inside grace, in a bucket closed earlier, and moves that bucket's
 * close; the bucket after it opens at that close. Restored and fed-once engines must agree on it.
 */
const LATE_CLOSE_MOVES_NEXT_OPEN = {
  steps: [
    step({ gapMs: 2221 }),
    step({ gapMs: 177966, price: '60000.80', endsBatch: true, advanceMs: 813 }),
    step({ gapMs: 813, price: '60000.4', endsBatch: true }),
    step({ lateMs: 1001, price: '60001', qty: '0.0', endsBatch: true }),
    step({ price: '60001' }),
  ],
  setup: 1, grace: 1207959537, cut: 0, replayed: 0, torn: false, openAt: 'previous-price' as const,
};

/**
 * Found by a random seed (1145421980): a late print corrects a closed bucket after the next one was
 * stored while forming; that one then closes unpublished (a declared gap over its end), and after
 * a torn stop the restore carried its stale forming row's price into the bucket after it, which a
 * late print then corrected with the wrong open. Forming rows of closed buckets now carry nothing.
 */
const CARRY_PAST_A_FORMING_ROW = {
  steps: [
    step({ gapMs: 1, endsBatch: true, advanceMs: 1999 }),
    step({ gapMs: 2433, qty: '0.0', lost: true }),
    step({ gapMs: 398, lateMs: 833, price: '60000.9', qty: '0.0' }),
    step({ gapMs: 298 }),
    step({ qty: '0.0', endsBatch: true, advanceMs: 0, declaredGapMs: 131 }),
    step({ gapMs: 870, endsBatch: true }),
    step({ lateMs: 1 }),
  ],
  setup: 0, grace: 10, cut: 259808535, replayed: 0, torn: true, openAt: 'previous-price' as const,
};

describe('restoring an engine from what it stored (property)', () => {
  it('publishes and stores exactly what an engine fed the stream once does, across a stop, a torn write and replays', () => {
    fc.assert(fc.property(scenarioArb, (sc) => {
      const setup = setups[sc.setup]!;
      const graceMs = setup.graces[sc.grace % setup.graces.length]!;
      const batches = batchesOf(sc.steps, graceMs);

      const options = { exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals: setup.intervals, graceMs, openAt: sc.openAt };
      const once = new StoredEngine(options);
      const formingAfter: Candle[][] = [];
      const emittedBefore: number[] = [];
      for (const b of batches) {
        emittedBefore.push(once.emitted.length);
        once.apply(b);
        formingAfter.push(once.engine.formingAll());
      }

      // The first engine handles batches [0, cut); a torn stop stores the last one's prints only.
      const cut = 1 + (sc.cut % batches.length);
      const first = new StoredEngine(options);
      batches.slice(0, cut).forEach((b, i) => first.apply(b, !(sc.torn && i === cut - 1)));
      const stored = sc.torn ? cut - 1 : cut;

      const second = first.restart();
      expect(canonical(second.engine.formingAll())).toEqual(canonical(stored > 0 ? formingAfter[stored - 1]! : []));
      // Batches since the last commit come again, then the rest of the stream.
      const from = Math.max(0, stored - sc.replayed);
      for (const b of batches.slice(from)) second.apply(b);

      expect(canonical(second.emitted)).toEqual(canonical(once.emitted.slice(emittedBefore[stored] ?? once.emitted.length)));
      expect(second.store.view()).toEqual(once.store.view());
      expect(canonical(second.engine.formingAll())).toEqual(canonical(once.engine.formingAll()));
    }), { numRuns: 300, examples: [[CARRY_PAST_A_FORMING_ROW], [TORN_AFTER_SKEWED_PRINT], [LATE_BEFORE_THE_FIRST_PRINT], [CLOSED_UNPUBLISHED], [LATE_CLOSE_MOVES_NEXT_OPEN]] });
  });
});
