import { type BucketSummary, HistoryStitcher, type HistoryStitchOptions } from './history';

const M = 60_000;
const T = Date.UTC(2024, 6, 18, 10);

function summary(minute: number, firstId: number, lastId: number, more: Partial<BucketSummary> = {}): BucketSummary {
  return {
    openTimeMs: T + minute * M, prints: lastId - firstId + 1, firstId, lastId, marketPrints: lastId - firstId + 1,
    open: '10', high: '12', low: '9', close: '11', volume: '2', quoteVolume: '21', takerBuyVolume: '1', takerBuyQuoteVolume: '11',
    tradeCount: lastId - firstId + 1, ...more,
  };
}

const options = (more: Partial<HistoryStitchOptions> = {}): HistoryStitchOptions => ({
  exchange: 'x', symbol: 'S', interval: '1m', policy: { tzOffsetMs: 0, openAt: 'first-print' }, contiguousIds: true, previousId: null, ...more,
});

const brief = (c: { openTimeMs: number; open: string; close: string; gapFree: boolean; state: string; firstTradeId: number | null }) =>
  [(c.openTimeMs - T) / M, c.open, c.close, c.firstTradeId, c.gapFree, c.state];

describe('HistoryStitcher', () => {
  it('fills quiet minutes between contiguous ids, leaves out those of a hole, and keeps the last bucket forming', () => {
    const s = new HistoryStitcher(options({ previousId: 0 }));
    const out = [
      ...s.push(summary(0, 1, 2)),
      ...s.push(summary(2, 3, 3, { open: '11', close: '13' })),
      ...s.push(summary(5, 6, 6)),
      ...s.finish(null, Number.POSITIVE_INFINITY),
    ];
    expect(out.map(brief)).toEqual([
      [0, '10', '11', 1, true, 'closed'],
      [1, '11', '11', null, true, 'closed'],
      [2, '11', '13', 3, false, 'closed'],
      [5, '10', '11', 6, false, 'forming'],
    ]);
  });

  it('makes a quiet stretch one candle at a time: a year of empty seconds is never held', () => {
    const s = new HistoryStitcher(options({ interval: '1s' }));
    expect([...s.push(summary(0, 1, 1))]).toEqual([]);
    const quiet = s.push({ ...summary(0, 2, 2), openTimeMs: T + 366 * 86_400_000 });
    const first = [quiet.next(), quiet.next(), quiet.next()].map((r) => (r.done ? null : (r.value.openTimeMs - T) / 1000));
    expect(first).toEqual([0, 1, 2]);
  });

  it('ends before a later print: closed, and filled up to it only when no id is missing before it', () => {
    const contiguous = new HistoryStitcher(options());
    const holey = new HistoryStitcher(options());
    expect([...contiguous.push(summary(0, 1, 1)), ...holey.push(summary(0, 1, 1))]).toEqual([]);
    expect([...contiguous.finish({ id: 2, timeMs: T + 3 * M + 5 }, T + 10 * M)].map(brief)).toEqual([
      [0, '10', '11', 1, false, 'closed'], [1, '11', '11', null, true, 'closed'], [2, '11', '11', null, true, 'closed'],
    ]);
    expect([...holey.finish({ id: 3, timeMs: T + 3 * M + 5 }, T + 10 * M)].map(brief)).toEqual([[0, '10', '11', 1, false, 'closed']]);
  });

  it('ignores id holes where ids only grow, and counts a window complete when any print came before', () => {
    const s = new HistoryStitcher(options({ contiguousIds: false, previousId: 7 }));
    const out = [...s.push(summary(0, 100, 140, { prints: 3 })), ...s.push(summary(2, 900, 901)), ...s.finish(null, Number.POSITIVE_INFINITY)];
    expect(out.map(brief)).toEqual([
      [0, '10', '11', 100, true, 'closed'], [1, '11', '11', null, true, 'closed'], [2, '10', '11', 900, true, 'forming'],
    ]);
  });
});
