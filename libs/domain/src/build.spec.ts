import { buildCandles } from './build';
import { print } from './testing/trades';

const B = Date.UTC(2024, 1, 29, 23, 58); // two minutes before March
const M = 60_000;
const p = (id: number, atMs: number, price: string) => print({ id, atMs, price, qty: '0.100' });

describe('buildCandles', () => {
  const trades = [p(1, B + 10, '10.0'), p(2, B + 20, '11.0'), p(3, B + 3 * M + 1, '12.0')];

  it('builds one interval from a finished list, empty buckets included, the last one forming', () => {
    const candles = buildCandles(trades, '1m');
    expect(candles.map((c) => [c.openTimeMs - B, c.open, c.close, c.tradeCount, c.state])).toEqual([
      [0, '10.0', '11.0', 2, 'closed'], [M, '11.0', '11.0', 0, 'closed'], [2 * M, '11.0', '11.0', 0, 'closed'], [3 * M, '12.0', '12.0', 1, 'forming'],
    ]);
    expect(candles.map((c) => c.gapFree)).toEqual([false, true, true, true]);
  });

  it('takes prints in id order whatever order they come in, and counts duplicates once', () => {
    const shuffled = [trades[2]!, trades[0]!, trades[1]!, trades[0]!];
    expect(buildCandles(shuffled, '1m')).toEqual(buildCandles(trades, '1m'));
  });

  it('puts a print that is earlier than its predecessors in its own bucket, published as closed', () => {
    const reordered = [p(1, B + 10, '10.0'), p(2, B + M + 5, '11.0'), p(3, B + 50_000, '9.0'), p(4, B + 2 * M, '12.0')];
    const [first] = buildCandles(reordered, '1m');
    expect(first).toMatchObject({ close: '9.0', low: '9.0', tradeCount: 2, state: 'closed', version: 1 });
  });

  it('closes the last bucket when untilMs passed its end', () => {
    const candles = buildCandles(trades, '1M', { untilMs: Date.UTC(2024, 2, 1) });
    expect(candles.map((c) => [new Date(c.openTimeMs).toISOString().slice(0, 10), c.state, c.tradeCount])).toEqual([
      ['2024-02-01', 'closed', 2], ['2024-03-01', 'forming', 1],
    ]);
    const untilNext = buildCandles(trades, '1m', { untilMs: B + 4 * M });
    expect(untilNext.map((c) => [c.openTimeMs - B, c.state])).toEqual([[0, 'closed'], [M, 'closed'], [2 * M, 'closed'], [3 * M, 'closed'], [4 * M, 'forming']]);
  });

  it('lays days out in the given time zone', () => {
    const [day] = buildCandles(trades, '1d', { tzOffsetMs: 8 * 3_600_000 });
    expect(new Date(day!.openTimeMs).toISOString()).toBe('2024-02-29T16:00:00.000Z');
    expect(day!.tradeCount).toBe(3);
  });

  it('returns nothing for no prints', () => {
    expect(buildCandles([], '1h')).toEqual([]);
  });
});
