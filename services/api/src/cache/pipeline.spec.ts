import { INTERVALS } from '@exgate/domain';
import { MAX_STORED_TIME_MS } from '@exgate/store';
import { EXCHANGE, startHarness, type DialectHarness } from '../dialects/testing/harness';
import { klineJson, tradeJson } from '../mappers';

/**
 * The caches on the real pipeline: recorded prints through the real aggregator into the embedded
 * engine, live updates on the bus. After the windows are filled, more prints arrive; every answer
 * from memory must be the store's, byte for byte (decimals as the store spells them included).
 */
let h: DialectHarness;
beforeAll(async () => {
  h = await startHarness({ holdBack: 400 });
}, 120_000);
afterAll(() => h?.close());

async function storedRoute(interval: string): Promise<{ text: string; expected: string }> {
  const res = await h.app.inject({ url: `/v1/${EXCHANGE}/exgate/kline/BTCUSDT/${interval}/0/${MAX_STORED_TIME_MS}?limit=1500` });
  expect(res.statusCode).toBe(200);
  const fromStore = await h.store.candles({ exchange: EXCHANGE, symbol: 'BTCUSDT', interval: interval as never, fromMs: 0, toMs: MAX_STORED_TIME_MS, limit: 1500 });
  return { text: res.body, expected: JSON.stringify({ kline: fromStore.map(klineJson) }) };
}

async function recentRoute(limit: number): Promise<{ text: string; expected: string }> {
  const res = await h.app.inject({ url: `/v1/${EXCHANGE}/recent/BTCUSDT?limit=${limit}` });
  expect(res.statusCode).toBe(200);
  const fromStore = await h.store.trades({ exchange: EXCHANGE, symbol: 'BTCUSDT', kind: 'trade', limit, order: 'desc' });
  return { text: res.body, expected: JSON.stringify({ trade: fromStore.map(tradeJson) }) };
}

describe('the API caches on the real pipeline', () => {
  it('answer what the store holds before and after live updates, for every interval and for recent', async () => {
    const intervals = INTERVALS.filter((i) => i !== '1s');
    const before = new Map<string, string>();
    for (const interval of intervals) {
      const r = await storedRoute(interval);
      expect(r.text).toBe(r.expected);
      before.set(interval, r.text);
    }
    const recentBefore = await recentRoute(1000);
    expect(recentBefore.text).toBe(recentBefore.expected);

    // The held-back prints: forming candles move and close, new ones open, all over the bus.
    const prints = h.prints['BTCUSDT']!;
    await h.feed('BTCUSDT', prints.slice(prints.length - 400));
    for (const interval of intervals) {
      const r = await storedRoute(interval);
      expect(r.text).toBe(r.expected);
    }
    expect((await storedRoute('1m')).text).not.toBe(before.get('1m'));
    const recentAfter = await recentRoute(1000);
    expect(recentAfter.text).toBe(recentAfter.expected);
    expect(recentAfter.text).not.toBe(recentBefore.text);
  }, 180_000);
});
