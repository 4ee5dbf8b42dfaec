import type { Candle } from '@exgate/domain';
import { isExgateError } from '@exgate/errors';
import { storedCandle } from '../rows';
import type { ContractContext } from './contract.test';
import { publishedCandles, shortest } from './real-data.test';

const DECIMAL_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

const asStored = (c: Candle): Candle => {
  const copy: Record<string, unknown> = { ...c };
  for (const field of DECIMAL_FIELDS) copy[field] = shortest(c[field]);
  return copy as unknown as Candle;
};

const MINUTE_MS = 60_000;
const T0 = 1_721_347_200_000; // 2024-07-19 00:00 UTC

function candle(exchange: string, minute: number, overrides: Partial<Candle> = {}): Candle {
  return {
    exchange, symbol: 'BTCUSDT', interval: '1m', openTimeMs: T0 + minute * MINUTE_MS,
    closeTimeMs: T0 + (minute + 1) * MINUTE_MS - 1, open: '64000.1', high: '64010', low: '63990.5', close: '64001.2',
    volume: '12.345', quoteVolume: '790123.4567', takerBuyVolume: '6.1', takerBuyQuoteVolume: '390000.01',
    tradeCount: 321, firstTradeId: 1000 + minute * 1000, lastTradeId: 1999 + minute * 1000, gapFree: true,
    state: 'closed', version: 1, ...overrides,
  };
}

export function candleContract(ctx: ContractContext): void {
  const key = (exchange: string) => ({ exchange, symbol: 'BTCUSDT', interval: '1m' as const });
  const all = { fromMs: 0, toMs: T0 + 10_000 * MINUTE_MS, limit: 1000 };

  it("stores Binance's published klines and returns all of their fields exactly", async () => {
    const published = publishedCandles('kline-ex');
    await ctx.store.upsertCandles(published);
    expect(await ctx.store.candles({ ...key('kline-ex'), ...all })).toEqual(published.map(asStored));
    // storedCandle spells a candle as the store gives it back (the API's cache relies on it).
    expect(await ctx.store.candles({ ...key('kline-ex'), ...all })).toEqual(published.map(storedCandle));
    const [first] = await ctx.store.candles({ ...key('kline-ex'), ...all, limit: 1 });
    expect(first).toMatchObject({ open: '63940.1', quoteVolume: '2784262.6177', tradeCount: 444, firstTradeId: null });
  });

  it('keeps the highest version of a candle; a lower version replayed later changes nothing', async () => {
    const v1 = candle('upsert-ex', 0, { state: 'forming', version: 1, close: '64000.5', tradeCount: 10 });
    const v3 = candle('upsert-ex', 0, { state: 'corrected', version: 3, close: '64002', tradeCount: 12, gapFree: false });
    const v2 = candle('upsert-ex', 0, { state: 'closed', version: 2, close: '64001', tradeCount: 11 });
    await ctx.store.upsertCandles([v1]);
    await ctx.store.upsertCandles([v3]);
    await ctx.store.upsertCandles([v2]);
    await ctx.store.upsertCandles([v1, v2]);
    // Within one batch too: the order of arrival does not matter, the version does.
    const w5 = candle('upsert-ex', 1, { version: 5, close: '1.5' });
    await ctx.store.upsertCandles([w5, candle('upsert-ex', 1, { version: 4, close: '1.4' })]);
    expect(await ctx.count('candles', 'upsert-ex')).toBe(2);
    expect(await ctx.store.candles({ ...key('upsert-ex'), ...all })).toEqual([asStored(v3), asStored(w5)]);
  });

  it('reads candles by inclusive open-time bounds, ascending, up to the limit', async () => {
    await ctx.store.upsertCandles([4, 0, 3, 1, 2, 5].map((m) => candle('range-ex', m)));
    const minutes = (cs: Candle[]) => cs.map((c) => (c.openTimeMs - T0) / MINUTE_MS);
    const at = (m: number) => T0 + m * MINUTE_MS;
    const q = { ...key('range-ex') };
    expect(minutes(await ctx.store.candles({ ...q, fromMs: at(1), toMs: at(4), limit: 100 }))).toEqual([1, 2, 3, 4]);
    expect(minutes(await ctx.store.candles({ ...q, fromMs: at(1), toMs: at(4), limit: 2 }))).toEqual([1, 2]);
    // 'desc' picks the latest `limit` of the window, still returned ascending.
    expect(minutes(await ctx.store.candles({ ...q, fromMs: at(1), toMs: at(4), limit: 2, order: 'desc' }))).toEqual([3, 4]);
    expect(minutes(await ctx.store.candles({ ...q, fromMs: at(0), toMs: at(5), limit: 100, order: 'desc' }))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(minutes(await ctx.store.candles({ ...q, fromMs: at(1) + 1, toMs: at(4) - 1, limit: 100 }))).toEqual([2, 3]);
    expect(await ctx.store.candles({ ...q, fromMs: at(4), toMs: at(1), limit: 100 })).toEqual([]);
    expect(await ctx.store.candles({ ...q, fromMs: at(0), toMs: at(5), limit: 0 })).toEqual([]);
    expect(await ctx.store.candles({ ...q, interval: '5m', fromMs: at(0), toMs: at(5), limit: 10 })).toEqual([]);
  });

  it('keeps quote volumes exact: a month of BTC at scale 16, and the 36 decimals of a product', async () => {
    const month = candle('volume-ex', 0, { interval: '1M', quoteVolume: '123456789012.1234567890123456', takerBuyQuoteVolume: '0' });
    const fine = candle('volume-ex', 0, {
      interval: '1s',
      quoteVolume: '0.000000000000000000000000000000000001',
      takerBuyQuoteVolume: '9999999999999999999999999999999999999999.999999999999999999999999999999999999',
    });
    await ctx.store.upsertCandles([month, fine]);
    const [m] = await ctx.store.candles({ ...key('volume-ex'), interval: '1M', ...all });
    const [s] = await ctx.store.candles({ ...key('volume-ex'), interval: '1s', ...all });
    expect([m?.quoteVolume, m?.takerBuyQuoteVolume]).toEqual(['123456789012.1234567890123456', '0']);
    expect([s?.quoteVolume, s?.takerBuyQuoteVolume]).toEqual([fine.quoteVolume, fine.takerBuyQuoteVolume]);
  });

  it('refuses an unknown interval or an inexact value without writing anything', async () => {
    const error = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
    const bad = candle('refuse-c', 1, { interval: '2m' as Candle['interval'] });
    expect(isExgateError(await error(ctx.store.upsertCandles([candle('refuse-c', 0), bad])), 'UNSUPPORTED_INTERVAL')).toBe(true);
    const inexact = candle('refuse-c', 2, { volume: '1.0000000000000000001' });
    expect(isExgateError(await error(ctx.store.upsertCandles([inexact])), 'INVALID_ARGUMENT')).toBe(true);
    expect(isExgateError(await error(ctx.store.candles({ ...key('refuse-c'), interval: "1m' --" as Candle['interval'], ...all })), 'UNSUPPORTED_INTERVAL')).toBe(true);
    expect(await ctx.count('candles', 'refuse-c')).toBe(0);
  });

  it('binds hostile symbols in candle reads: nothing matches, nothing breaks', async () => {
    const before = await ctx.count('candles');
    for (const symbol of [`x' OR 1=1 --`, `') UNION ALL SELECT * FROM system.tables --`]) {
      expect(await ctx.store.candles({ ...key('kline-ex'), symbol, ...all })).toEqual([]);
    }
    expect(await ctx.count('candles')).toBe(before);
  });
}
