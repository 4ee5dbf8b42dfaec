import type { Trade } from '@exgate/domain';
import { ContinuityTracker } from './continuity';

const trade = (id: number): Trade => ({
  exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', id, firstTradeId: id * 10,
  lastTradeId: id * 10 + 1, price: '1.0', qty: '1', isBuyerMaker: false, market: true,
  exchangeTimeMs: 1_700_000_000_000 + id, eventTimeMs: 1_700_000_000_000 + id, receivedAtMs: 0,
});

describe('ContinuityTracker', () => {
  it('accepts a contiguous run and remembers where it ended', () => {
    const tracker = new ContinuityTracker();
    const r = tracker.accept([trade(5), trade(6), trade(7)]);
    expect(r.fresh.map((t) => t.id)).toEqual([5, 6, 7]);
    expect(r.gaps).toEqual([]);
    expect(tracker.lastId).toBe(7);
  });

  it('drops ids it has already seen, as rotation overlaps and replays repeat them', () => {
    const tracker = new ContinuityTracker(7);
    const r = tracker.accept([trade(6), trade(7), trade(8)]);
    expect(r.fresh.map((t) => t.id)).toEqual([8]);
    expect(r.duplicates).toBe(2);
  });

  it('reports each hole with the ids on both sides', () => {
    const tracker = new ContinuityTracker(10);
    const r = tracker.accept([trade(13), trade(14), trade(20)]);
    expect(r.gaps).toEqual([{ afterId: 10, beforeId: 13 }, { afterId: 14, beforeId: 20 }]);
    expect(tracker.lastId).toBe(20);
  });

  it('orders a shuffled batch before judging it', () => {
    const tracker = new ContinuityTracker(1);
    const r = tracker.accept([trade(4), trade(2), trade(3)]);
    expect(r.fresh.map((t) => t.id)).toEqual([2, 3, 4]);
    expect(r.gaps).toEqual([]);
  });

  it('resumes from a checkpoint: the first print after a restart reveals what was missed', () => {
    const tracker = new ContinuityTracker(100);
    expect(tracker.accept([trade(150)]).gaps).toEqual([{ afterId: 100, beforeId: 150 }]);
  });
});
