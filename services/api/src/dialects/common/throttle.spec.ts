import type { Candle } from '@exgate/domain';
import { CandleThrottle, SeenIds } from './throttle';

const candle = (openTimeMs: number, close: string, state: Candle['state'] = 'forming'): Candle => ({
  exchange: 'x', symbol: 'BTCUSDT', interval: '1m', openTimeMs, closeTimeMs: openTimeMs + 59_999, open: '1', high: '2', low: '1', close,
  volume: '1', quoteVolume: '1', takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 1, firstTradeId: 1, lastTradeId: 1,
  gapFree: true, state, version: 1,
});

describe('CandleThrottle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends forming updates at most every 250 ms, always the newest, and a closed candle at once', () => {
    const sent: Array<[number, string, string]> = [];
    const start = performance.now();
    const t = new CandleThrottle(250, (c) => sent.push([Math.round(performance.now() - start), c.close, c.state]));
    t.push(candle(0, '1'));
    jest.advanceTimersByTime(100);
    t.push(candle(0, '2'));
    jest.advanceTimersByTime(50);
    t.push(candle(0, '3'));
    jest.advanceTimersByTime(200);
    t.push(candle(0, '4'));
    jest.advanceTimersByTime(10);
    t.push(candle(0, '5', 'closed'));
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([[0, '1', 'forming'], [250, '3', 'forming'], [360, '5', 'closed']]);
  });

  it('drops a waiting candle of an earlier bucket (its closed state follows) and keeps pacing the next', () => {
    const sent: string[] = [];
    const t = new CandleThrottle(250, (c) => sent.push(`${c.openTimeMs}:${c.close}:${c.state}`));
    t.push(candle(0, '1'));
    t.push(candle(0, '2'));
    t.push(candle(60_000, '3'));
    t.push(candle(0, '2', 'closed'));
    jest.advanceTimersByTime(300);
    t.close();
    expect(sent).toEqual(['0:1:forming', '0:2:closed', '60000:3:forming']);
  });

  it('close() cancels what waits', () => {
    const sent: string[] = [];
    const t = new CandleThrottle(250, (c) => sent.push(c.close));
    t.push(candle(0, '1'));
    t.push(candle(0, '2'));
    t.close();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual(['1']);
  });
});

describe('SeenIds', () => {
  it('passes each id once, in order, across repeated batches', () => {
    const seen = new SeenIds();
    const ids = (xs: number[]) => seen.fresh(xs.map((id) => ({ id }))).map((x) => x.id);
    expect(ids([1, 2, 3])).toEqual([1, 2, 3]);
    expect(ids([2, 3, 4])).toEqual([4]);
    expect(ids([])).toEqual([]);
    expect(ids([4])).toEqual([]);
  });
});
