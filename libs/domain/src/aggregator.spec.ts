import { CandleAggregator, type CandleAggregatorOptions } from './aggregator';
import type { Candle } from './candle';
import { print, T0 } from './testing/trades';

const M = 60_000;

function harness(options: Partial<CandleAggregatorOptions> = {}) {
  const out: Candle[] = [];
  const agg = new CandleAggregator({
    exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals: ['1m'], coveredFromMs: T0, onCandle: (c) => out.push(c), ...options,
  });
  const at = (openTimeMs: number) => out.filter((c) => c.openTimeMs === openTimeMs);
  return { agg, out, at };
}

const p = (id: number, atMs: number, price = '63940.10', qty = '0.010', sell = false) =>
  print({ id, atMs, price, qty, sell });

describe('candle states', () => {
  it('forming: a bucket in progress is not published; forming() shows it', () => {
    const { agg, out } = harness();
    expect(agg.forming('1m')).toBeNull();
    expect(agg.ingest(p(1, T0 + 1_000))).toBe('applied');
    expect(agg.ingest(p(2, T0 + 2_000, '63950.00'))).toBe('applied');
    agg.advanceTo(T0 + M - 1);
    expect(out).toEqual([]);
    expect(agg.forming('1m')).toMatchObject({ state: 'forming', version: 0, open: '63940.10', close: '63950.00', tradeCount: 2, gapFree: true });
  });

  it('forming → closed: once time passes the close, by a later print or advanceTo, published once as version 1', () => {
    const a = harness();
    a.agg.ingest(p(1, T0 + 1_000));
    a.agg.ingest(p(2, T0 + M + 5));
    expect(a.out).toEqual([expect.objectContaining({ openTimeMs: T0, closeTimeMs: T0 + M - 1, state: 'closed', version: 1, tradeCount: 1 })]);
    const b = harness();
    b.agg.ingest(p(1, T0 + 1_000));
    b.agg.advanceTo(T0 + M);
    b.agg.advanceTo(T0 + M + 10);
    expect(b.out).toHaveLength(1);
    expect(b.out[0]).toMatchObject({ state: 'closed', version: 1 });
  });

  it('closed → corrected: a late print inside the grace window republishes the candle, version 2', () => {
    const { agg, out, at } = harness({ graceMs: 30_000 });
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(3, T0 + M + 1_000)); // id 2 missing: minute 0 closes incomplete
    expect(at(T0)).toEqual([expect.objectContaining({ state: 'closed', version: 1, gapFree: false, tradeCount: 1 })]);
    expect(agg.ingest(p(2, T0 + 59_000, '63930.30', '0.500'))).toBe('corrected');
    expect(at(T0)[1]).toMatchObject({
      state: 'corrected', version: 2, gapFree: true, tradeCount: 2, close: '63930.30', low: '63930.30', volume: '0.510', lastTradeId: 2,
    });
    expect(out).toHaveLength(2);
    expect(agg.stats).toEqual({ applied: 2, corrected: 1, duplicate: 0, tooLate: 0 });
  });

  it('corrected → corrected: every further change is a new version', () => {
    const { agg, at } = harness({ graceMs: 30_000 });
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(4, T0 + M + 1_000));
    agg.ingest(p(2, T0 + 2_000));
    agg.ingest(p(3, T0 + 3_000));
    expect(at(T0).map((c) => [c.state, c.version, c.tradeCount, c.gapFree])).toEqual([
      ['closed', 1, 1, false], ['corrected', 2, 2, false], ['corrected', 3, 3, true],
    ]);
  });

  it('past the grace window a late print is too late: counted, reported, nothing changes', () => {
    const { agg, out } = harness({ graceMs: 10_000 });
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(3, T0 + M + 10_000)); // minute 0 closed at T0 + 59 999; grace ended at T0 + 69 999
    const before = [...out];
    expect(agg.ingest(p(2, T0 + 5_000))).toBe('too_late');
    expect(out).toEqual(before);
    expect(agg.stats.tooLate).toBe(1);
  });

  it('without a grace window any print for a closed bucket is too late', () => {
    const { agg } = harness();
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(3, T0 + M + 1));
    expect(agg.ingest(p(2, T0 + 2_000))).toBe('too_late');
  });

  it('duplicates change nothing, whether in order, late, or a hole already filled', () => {
    const { agg, out } = harness({ graceMs: 60_000 });
    agg.ingest(p(1, T0 + 1_000));
    expect(agg.ingest(p(1, T0 + 1_000))).toBe('duplicate');
    agg.ingest(p(3, T0 + 2_000));
    agg.ingest(p(2, T0 + 1_500));
    expect(agg.ingest(p(2, T0 + 1_500))).toBe('duplicate');
    expect(agg.ingest(p(3, T0 + 2_000))).toBe('duplicate');
    expect(agg.forming('1m')).toMatchObject({ tradeCount: 3, volume: '0.030' });
    expect(out).toEqual([]);
    expect(agg.stats.duplicate).toBe(3);
  });
});

describe('empty buckets and gaps', () => {
  it('fills buckets without prints while the stream is live and gap-free: o=h=l=c=previous close, zero volumes', () => {
    const { agg, out } = harness();
    agg.ingest(p(1, T0 + 1_000, '63940.10', '0.010'));
    agg.ingest(p(2, T0 + 3 * M + 5, '63950.00'));
    expect(out.map((c) => [c.openTimeMs - T0, c.open, c.high, c.low, c.close, c.volume, c.quoteVolume, c.tradeCount, c.gapFree, c.firstTradeId])).toEqual([
      [0, '63940.10', '63940.10', '63940.10', '63940.10', '0.010', '639.40100', 1, true, 1],
      [M, '63940.10', '63940.10', '63940.10', '63940.10', '0.000', '0.00000', 0, true, null],
      [2 * M, '63940.10', '63940.10', '63940.10', '63940.10', '0.000', '0.00000', 0, true, null],
    ]);
  });

  it('does not invent candles across an id gap: the buckets it spans are incomplete, empty ones unpublished', () => {
    const { agg, out } = harness();
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(5, T0 + 3 * M + 5));
    expect(out.map((c) => [c.openTimeMs - T0, c.gapFree])).toEqual([[0, false]]);
    expect(agg.forming('1m')).toMatchObject({ openTimeMs: T0 + 3 * M, gapFree: false });
  });

  it('publishes the spanned buckets once a backfill fills the hole within grace', () => {
    const { agg, out, at } = harness({ graceMs: 5 * M });
    agg.ingest(p(1, T0 + 1_000));
    agg.ingest(p(4, T0 + 3 * M + 5));
    agg.ingest(p(2, T0 + M + 1_000, '63950.00'));
    agg.ingest(p(3, T0 + M + 2_000, '63960.00'));
    expect(at(T0).map((c) => [c.version, c.gapFree])).toEqual([[1, false], [2, true]]);
    expect(at(T0 + M)).toEqual([
      expect.objectContaining({ state: 'closed', version: 1, gapFree: false, tradeCount: 1 }),
      expect.objectContaining({ state: 'corrected', version: 2, gapFree: true, tradeCount: 2, close: '63960.00' }),
    ]);
    expect(at(T0 + 2 * M)).toEqual([expect.objectContaining({ version: 1, gapFree: true, tradeCount: 0, close: '63960.00' })]);
    expect(out).toHaveLength(5);
    expect(agg.forming('1m')).toMatchObject({ gapFree: true });
  });

  it('corrects candles closed by advanceTo when the next print reveals missed ids', () => {
    const { agg, at } = harness({ graceMs: 5 * M });
    agg.ingest(p(1, T0 + 1_000));
    agg.advanceTo(T0 + 2 * M + 1);
    expect(at(T0 + M)).toEqual([expect.objectContaining({ version: 1, gapFree: true, tradeCount: 0 })]);
    agg.ingest(p(3, T0 + 2 * M + 2_000));
    expect(at(T0 + M)[1]).toMatchObject({ state: 'corrected', version: 2, gapFree: false });
    expect(at(T0)[1]).toMatchObject({ state: 'corrected', gapFree: false });
  });

  it('a disconnection freezes closing; a contiguous id after it proves the quiet buckets empty', () => {
    const { agg, out } = harness();
    agg.ingest(p(1, T0 + 1_000));
    agg.suspend(T0 + 10_000);
    agg.advanceTo(T0 + 5 * M);
    expect(out).toEqual([]);
    expect(agg.forming('1m')).toMatchObject({ gapFree: false });
    agg.ingest(p(2, T0 + 5 * M + 1));
    expect(out.map((c) => [c.openTimeMs - T0, c.tradeCount, c.gapFree])).toEqual([[0, 1, true], [M, 0, true], [2 * M, 0, true], [3 * M, 0, true], [4 * M, 0, true]]);
  });

  it('a disconnection followed by an id jump leaves the downtime incomplete and unpublished', () => {
    const { agg, out } = harness();
    agg.ingest(p(1, T0 + 1_000));
    agg.suspend(T0 + 10_000);
    agg.ingest(p(9, T0 + 5 * M + 1));
    expect(out.map((c) => [c.openTimeMs - T0, c.gapFree])).toEqual([[0, false]]);
  });

  it('markGap declares a loss for good, ends a suspension, and corrects closed candles', () => {
    const { agg, out, at } = harness({ graceMs: 5 * M });
    agg.ingest(p(1, T0 + 1_000));
    agg.advanceTo(T0 + M + 1);
    agg.suspend(T0 + M + 1);
    agg.markGap(T0 + 30_000, T0 + 2 * M + 30_000);
    expect(at(T0)[1]).toMatchObject({ state: 'corrected', gapFree: false });
    agg.advanceTo(T0 + 4 * M);
    expect(out.filter((c) => c.openTimeMs > T0).map((c) => [c.openTimeMs - T0, c.gapFree])).toEqual([[3 * M, true]]);
  });

  it('for exchanges whose ids only grow, an id jump is no gap', () => {
    const { agg, out } = harness({ contiguousIds: false });
    agg.ingest(p(100, T0 + 1_000));
    agg.ingest(p(250, T0 + 2 * M + 1));
    expect(agg.ingest(p(180, T0 + 2 * M + 2))).toBe('duplicate');
    expect(out.map((c) => [c.openTimeMs - T0, c.tradeCount, c.gapFree])).toEqual([[0, 1, true], [M, 0, true]]);
  });

  it('the first bucket of a stream is incomplete unless told where coverage started', () => {
    const a = harness({ coveredFromMs: undefined });
    a.agg.ingest(p(1, T0 + 1_000));
    a.agg.ingest(p(2, T0 + M + 1_000));
    a.agg.advanceTo(T0 + 2 * M);
    expect(a.out.map((c) => c.gapFree)).toEqual([false, true]);
  });

  it('a late print that changes a close moves the previous close shown by the empty buckets after it', () => {
    const { agg, at } = harness({ graceMs: 5 * M });
    agg.ingest(p(1, T0 + 1_000, '63940.10'));
    agg.advanceTo(T0 + 2 * M); // minute 1 closes empty, showing 63940.10
    agg.ingest(p(3, T0 + 2 * M + 1_000, '63990.00')); // id 2 was missed: both become incomplete
    agg.ingest(p(2, T0 + 50_000, '63900.00')); // the backfill: minute 0 closes lower
    expect(at(T0).map((c) => [c.version, c.close, c.gapFree])).toEqual([[1, '63940.10', true], [2, '63940.10', false], [3, '63900.00', true]]);
    expect(at(T0 + M).map((c) => [c.version, c.close, c.gapFree])).toEqual([[1, '63940.10', true], [2, '63940.10', false], [3, '63900.00', true]]);
  });
});

describe('intervals together', () => {
  it('publishes every interval as its buckets end, and coarse forming candles include the current fine bucket', () => {
    const B = Date.UTC(2024, 6, 19); // 00:00: a 5m and 1h boundary
    const { agg, out } = harness({ intervals: ['1m', '5m', '1h'], coveredFromMs: B });
    agg.ingest(p(1, B + 1_000, '63940.10', '0.010'));
    agg.ingest(p(2, B + M + 1_000, '63990.00', '0.020', true));
    agg.ingest(p(3, B + 3 * M + 1, '63900.00', '0.030'));
    const expected = { openTimeMs: B, open: '63940.10', high: '63990.00', low: '63900.00', close: '63900.00', volume: '0.060', tradeCount: 3, takerBuyVolume: '0.040', gapFree: true };
    expect(agg.forming('5m')).toMatchObject({ ...expected, state: 'forming' });
    expect(agg.forming('1h')).toMatchObject({ ...expected, state: 'forming' });
    expect(out.map((c) => c.interval)).toEqual(['1m', '1m', '1m']);
    agg.advanceTo(B + 5 * M);
    expect(out.map((c) => c.interval)).toEqual(['1m', '1m', '1m', '1m', '1m', '5m']);
    expect(out[5]).toMatchObject({ ...expected, state: 'closed', version: 1 });
  });

  it('lays buckets out on the local clock with a time-zone offset (+08:00 days start 16:00 UTC)', () => {
    const day = Date.UTC(2024, 6, 29, 16);
    const { agg, out } = harness({ intervals: ['1d'], tzOffsetMs: 8 * 3_600_000, coveredFromMs: day });
    agg.ingest(p(1, day - 1, '1.00'));
    agg.ingest(p(2, day, '2.00'));
    agg.ingest(p(3, day + 86_400_000, '3.00'));
    expect(out.map((c) => [new Date(c.openTimeMs).toISOString(), c.open, c.close])).toEqual([
      ['2024-07-28T16:00:00.000Z', '1.00', '1.00'],
      ['2024-07-29T16:00:00.000Z', '2.00', '2.00'],
    ]);
  });
});

describe("candle policy: buckets open at the previous print's price (ViaBTC, HotBit)", () => {
  const viabtc = (options: Partial<CandleAggregatorOptions> = {}) => harness({ openAt: 'previous-price', intervals: ['1m', '5m'], ...options });

  it('opens each bucket at the print before it, its high and low including that price; the first bucket at its first print', () => {
    const { agg, at } = viabtc();
    agg.ingest(p(1, T0 + 30_000, '100.0'));
    agg.ingest(p(2, T0 + M + 10_000, '105.0'));
    agg.ingest(p(3, T0 + M + 20_000, '103.0'));
    agg.advanceTo(T0 + 3 * M);
    expect(at(T0)[0]).toMatchObject({ open: '100.0', high: '100.0', low: '100.0', close: '100.0' });
    // Binance would say open 105.0, low 103.0.
    expect(at(T0 + M)[0]).toMatchObject({ open: '100.0', high: '105.0', low: '100.0', close: '103.0', tradeCount: 2 });
    // Empty buckets stay flat at the previous close, as on Binance.
    expect(at(T0 + 2 * M)[0]).toMatchObject({ open: '103.0', high: '103.0', low: '103.0', close: '103.0', tradeCount: 0 });
    // The 5m bucket 23:55–00:00 is the fold of its minutes.
    expect(at(T0 - 2 * M).find((c) => c.interval === '5m')).toMatchObject({ open: '100.0', high: '105.0', low: '100.0', close: '103.0' });
  });

  it('a late print that changes a closed bucket’s close re-opens the next bucket at the new price', () => {
    const { agg, out, at } = viabtc({ graceMs: 10 * M });
    agg.ingest(p(1, T0 + 10_000, '100.0'));
    agg.ingest(p(3, T0 + M + 10_000, '105.0'));
    agg.advanceTo(T0 + 2 * M);
    expect(at(T0 + M).at(-1)).toMatchObject({ open: '100.0', low: '100.0', version: 1 });
    // Id 2 was missing: it lands late in the first minute, after id 1, and becomes its close.
    expect(agg.ingest(p(2, T0 + 50_000, '99.0'))).toBe('corrected');
    expect(at(T0).at(-1)).toMatchObject({ close: '99.0', low: '99.0', state: 'corrected', version: 2 });
    expect(at(T0 + M).at(-1)).toMatchObject({ open: '99.0', high: '105.0', low: '99.0', close: '105.0', state: 'corrected', version: 2 });
    expect(out.filter((c) => c.interval === '1m')).toHaveLength(4);
  });
});
