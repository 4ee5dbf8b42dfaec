import { buildCandles } from './build';
import type { Candle } from './candle';
import { DomainError } from './errors';
import { foldCandles } from './fold';
import { print } from './testing/trades';

const B = Date.UTC(2024, 6, 19); // 00:00
const M = 60_000;
const p = (id: number, atMs: number, price: string, qty: string, sell = false) => print({ id, atMs, price, qty, sell });

const trades = [
  p(1, B + 1_000, '63940.10', '0.010'),
  p(2, B + 30_000, '63990.00', '0.020', true),
  p(3, B + 2 * M + 5, '63900.00', '0.030'),
  p(4, B + 4 * M + 59_999, '63910.50', '1.500', true),
  p(5, B + 5 * M, '63920.00', '0.001'),
];
const minutes = buildCandles(trades, '1m', { coveredFromMs: B, untilMs: B + 6 * M });

describe('foldCandles', () => {
  it('folds 1m candles into 5m: first open, last close, extremes, exact sums, counts, ids', () => {
    const folded = foldCandles(minutes, '5m');
    expect(folded).toHaveLength(2);
    expect(folded[0]).toMatchObject({
      interval: '5m', openTimeMs: B, closeTimeMs: B + 5 * M - 1, open: '63940.10', high: '63990.00', low: '63900.00', close: '63910.50',
      volume: '1.560', quoteVolume: '99701.95100', takerBuyVolume: '0.040', takerBuyQuoteVolume: '2556.40100',
      tradeCount: 4, firstTradeId: 1, lastTradeId: 4, gapFree: true, state: 'closed', version: 0,
    });
    expect(folded[0]).toEqual({ ...buildCandles(trades, '5m', { coveredFromMs: B, untilMs: B + 6 * M })[0]!, version: 0 });
  });

  it('skips empty parts (they only carry the previous close) and keeps an all-empty bucket empty', () => {
    const empties = minutes.filter((c) => c.tradeCount === 0 && c.state === 'closed');
    expect(empties.map((c) => c.openTimeMs - B)).toEqual([M, 3 * M]);
    const [folded] = foldCandles(empties.slice(0, 1), '3m');
    expect(folded).toMatchObject({ tradeCount: 0, open: '63990.00', close: '63990.00', volume: '0.000', firstTradeId: null });
  });

  it('is gap-free only when every part is and the parts cover the bucket without holes', () => {
    expect(foldCandles(minutes.filter((c) => c.openTimeMs !== B + 2 * M), '5m')[0]!.gapFree).toBe(false);
    expect(foldCandles(minutes.slice(0, 4), '5m')[0]!.gapFree).toBe(false);
    const incomplete: Candle = { ...minutes[1]!, gapFree: false };
    expect(foldCandles([minutes[0]!, incomplete, ...minutes.slice(2, 5)], '5m')[0]!.gapFree).toBe(false);
  });

  it('is forming (and complete so far) when its last part is forming', () => {
    const open = buildCandles(trades, '1m', { coveredFromMs: B });
    expect(open[open.length - 1]!.state).toBe('forming');
    const [, current] = foldCandles(open, '5m');
    expect(current).toMatchObject({ state: 'forming', gapFree: true, tradeCount: 1 });
  });

  it('refuses parts that do not fit the interval or belong to another series', () => {
    const fiveMinutes = buildCandles(trades, '5m', { coveredFromMs: B });
    expect(() => foldCandles(fiveMinutes, '3m')).toThrow(DomainError);
    expect(() => foldCandles([minutes[0]!, { ...minutes[2]!, symbol: 'ETHUSDT' }], '5m')).toThrow(DomainError);
  });
});
