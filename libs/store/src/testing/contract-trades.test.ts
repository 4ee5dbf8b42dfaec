import type { Trade } from '@exgate/domain';
import { isExgateError } from '@exgate/errors';
import type { ContractContext } from './contract.test';
import { recordedTrades, shortest } from './real-data.test';

const asStored = (t: Trade): Trade => ({ ...t, price: shortest(t.price), qty: shortest(t.qty) });

function synthetic(exchange: string, id: number, overrides: Partial<Trade> = {}): Trade {
  const second = id % 1_000_000;
  return {
    exchange, symbol: 'BTCUSDT', kind: 'aggTrade', id, firstTradeId: id * 10, lastTradeId: id * 10 + 2,
    price: '100.5', qty: '1', isBuyerMaker: id % 2 === 0, market: true,
    exchangeTimeMs: 1_721_347_000_000 + second * 1000, eventTimeMs: 1_721_347_000_001 + second * 1000,
    receivedAtMs: 1_721_347_000_020 + second * 1000, ...overrides,
  };
}

export function tradeContract(ctx: ContractContext): void {
  it('stores real futures trades and returns every field exactly, decimals in their shortest spelling', async () => {
    const trades = recordedTrades('binance-usdm', 'binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
    await ctx.store.insertTrades(trades);
    const stored = await ctx.store.trades({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', limit: 100_000, order: 'asc' });
    expect(stored).toEqual(trades.map(asStored));
    expect(stored[0]).toMatchObject({ id: 5182005737, price: '63943.9', qty: '0.003', exchangeTimeMs: 1721347022956 });
  });

  it('keeps every digit of spot prices, one-satoshi prices, 18-decimal prices and huge quantities', async () => {
    const spot = recordedTrades('binance-spot', 'binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl');
    const extremes = [
      synthetic('binance-spot', 1, { symbol: 'TINYUSDT', price: '0.00000001', qty: '98765432109876543210.123456789012345678' }),
      synthetic('binance-spot', 2, { symbol: 'TINYUSDT', price: '0.000000000000000001', qty: '0.000000000000000001' }),
      synthetic('binance-spot', 3, { symbol: 'TINYUSDT', price: '99999999999999999999.999999999999999999', qty: '1.10' }),
    ];
    await ctx.store.insertTrades([...spot, ...extremes]);
    const stored = await ctx.store.trades({ exchange: 'binance-spot', symbol: 'BTCUSDT', kind: 'trade', limit: 10_000, order: 'asc' });
    expect(stored).toEqual(spot.map(asStored));
    expect(stored[0]).toMatchObject({ price: '28165.47', qty: '0.00056' });
    const tiny = await ctx.store.trades({ exchange: 'binance-spot', symbol: 'TINYUSDT', kind: 'aggTrade', limit: 10, order: 'asc' });
    expect(tiny.map((t) => [t.price, t.qty])).toEqual([
      ['0.00000001', '98765432109876543210.123456789012345678'],
      ['0.000000000000000001', '0.000000000000000001'],
      ['99999999999999999999.999999999999999999', '1.1'],
    ]);
  });

  it('stores a replayed trade once and keeps the first receipt of it', async () => {
    const trades = recordedTrades('replay-ex', 'binance', 'usdm-trades-2024-07-18', 'ethusdt-trade-stream.jsonl').slice(0, 2500);
    await ctx.store.insertTrades(trades);
    await ctx.store.insertTrades(trades.map((t) => ({ ...t, receivedAtMs: t.receivedAtMs + 60_000 })));
    await ctx.store.insertTrades(trades.slice(1000, 1500));
    expect(await ctx.count('trades', 'replay-ex')).toBe(2500);
    const stored = await ctx.store.trades({ exchange: 'replay-ex', symbol: 'ETHUSDT', kind: 'trade', limit: 5000, order: 'asc' });
    expect(stored).toEqual(trades.map(asStored));
  });

  it('reads trade windows: bounds inclusive, asc from the oldest, desc from the newest, always ascending', async () => {
    await ctx.store.insertTrades(Array.from({ length: 10 }, (_, i) => synthetic('window-ex', i + 1)));
    const base = { exchange: 'window-ex', symbol: 'BTCUSDT', kind: 'aggTrade' } as const;
    const t = (id: number) => 1_721_347_000_000 + id * 1000;
    const ids = (trades: Trade[]) => trades.map((x) => x.id);
    expect(ids(await ctx.store.trades({ ...base, fromMs: t(3), toMs: t(7), limit: 3, order: 'asc' }))).toEqual([3, 4, 5]);
    expect(ids(await ctx.store.trades({ ...base, fromMs: t(3), toMs: t(7), limit: 3, order: 'desc' }))).toEqual([5, 6, 7]);
    expect(ids(await ctx.store.trades({ ...base, fromMs: t(3), toMs: t(7), limit: 50, order: 'asc' }))).toEqual([3, 4, 5, 6, 7]);
    expect(ids(await ctx.store.trades({ ...base, limit: 2, order: 'desc' }))).toEqual([9, 10]);
    expect(ids(await ctx.store.trades({ ...base, fromMs: t(9), limit: 5, order: 'asc' }))).toEqual([9, 10]);
    expect(ids(await ctx.store.trades({ ...base, toMs: t(2), limit: 5, order: 'desc' }))).toEqual([1, 2]);
    expect(await ctx.store.trades({ ...base, limit: 0, order: 'asc' })).toEqual([]);
    expect(await ctx.store.trades({ ...base, kind: 'trade', limit: 5, order: 'asc' })).toEqual([]);
    // fromId (Binance's): inclusive, combinable with the time bounds.
    expect(ids(await ctx.store.trades({ ...base, fromId: 4, limit: 3, order: 'asc' }))).toEqual([4, 5, 6]);
    expect(ids(await ctx.store.trades({ ...base, fromId: 4, toMs: t(5), limit: 10, order: 'asc' }))).toEqual([4, 5]);
    expect(ids(await ctx.store.trades({ ...base, fromId: 11, limit: 10, order: 'asc' }))).toEqual([]);
  });

  it("keeps an exchange's own trade id beside exgate's sequence, and none where the id is the exchange's", async () => {
    const seq = 1_721_347_022_956 * 1024;
    const bybit = synthetic('source-id-ex', seq, { firstTradeId: seq, lastTradeId: seq, sourceId: '0cbf2330-952d-5d03-a462-4bf826c867af' });
    const plain = synthetic('source-id-ex', seq + 1, { firstTradeId: seq + 1, lastTradeId: seq + 1 });
    await ctx.store.insertTrades([bybit, plain]);
    const read = await ctx.store.trades({ exchange: 'source-id-ex', symbol: bybit.symbol, kind: bybit.kind, limit: 10, order: 'asc' });
    expect(read.map((t) => [t.id, t.sourceId])).toEqual([[seq, '0cbf2330-952d-5d03-a462-4bf826c867af'], [seq + 1, undefined]]);
    expect('sourceId' in read[1]!).toBe(false);
  });

  it('knows the last stored id of each stream and which streams have trades', async () => {
    const stream = { exchange: 'resume-ex', symbol: 'BTCUSDT', kind: 'aggTrade' } as const;
    expect(await ctx.store.lastTradeId(stream)).toBeNull();
    await ctx.store.insertTrades([synthetic('resume-ex', 41), synthetic('resume-ex', 7), synthetic('resume-ex', 9_007_199_254_740_991, { firstTradeId: 1, lastTradeId: 2 })]);
    await ctx.store.insertTrades([synthetic('resume-ex', 41)]);
    expect(await ctx.store.lastTradeId(stream)).toBe(9_007_199_254_740_991);
    expect(await ctx.store.lastTradeId({ ...stream, kind: 'trade' })).toBeNull();
    const streams = await ctx.store.streams();
    expect(streams.filter((s) => s.exchange === 'resume-ex')).toEqual([stream]);
    expect(streams).toContainEqual({ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' });
  });

  it("gives the newest print of many streams in one read, each as that stream's own newest, and nothing for a stream without prints", async () => {
    const exchange = 'newest-ex';
    const symbols = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'];
    await ctx.store.insertTrades([
      synthetic(exchange, 5, { symbol: 'AAAUSDT' }), synthetic(exchange, 9, { symbol: 'AAAUSDT', price: '0.000000000000000001' }),
      synthetic(exchange, 3, { symbol: 'BBBUSDT' }), synthetic(exchange, 9_007_199_254_740_991, { symbol: 'BBBUSDT', firstTradeId: 1, lastTradeId: 2 }),
      synthetic(exchange, 8, { symbol: 'AAAUSDT', kind: 'trade' }),
    ]);
    await ctx.store.insertTrades([synthetic(exchange, 9, { symbol: 'AAAUSDT', price: '0.000000000000000001' })]); // a replay
    const newest = await ctx.store.newestTrades({ exchange, kind: 'aggTrade', symbols: [...symbols, "x' OR 1=1 --"] });
    const eachOwn = await Promise.all(symbols.map((symbol) => ctx.store.trades({ exchange, symbol, kind: 'aggTrade', limit: 1, order: 'desc' })));
    expect(newest.sort((a, b) => a.symbol.localeCompare(b.symbol))).toEqual(eachOwn.flat());
    expect(newest.map((t) => [t.symbol, t.id, t.price])).toEqual([['AAAUSDT', 9, '0.000000000000000001'], ['BBBUSDT', 9_007_199_254_740_991, '100.5']]);
    expect(await ctx.store.newestTrades({ exchange, kind: 'trade', symbols })).toEqual([{ ...synthetic(exchange, 8, { symbol: 'AAAUSDT', kind: 'trade' }) }]);
    expect(await ctx.store.newestTrades({ exchange, kind: 'aggTrade', symbols: [] })).toEqual([]);
  });

  it('refuses values it could not store exactly and writes nothing of that batch', async () => {
    const refused = async (trades: Trade[]) => {
      const error = await ctx.store.insertTrades(trades).then(() => null, (e: unknown) => e);
      expect(isExgateError(error, 'INVALID_ARGUMENT')).toBe(true);
    };
    await refused([synthetic('refuse-ex', 1), synthetic('refuse-ex', 2, { price: '0.0000000000000000001' })]);
    await refused([synthetic('refuse-ex', 3, { qty: '1e-8' })]);
    await refused([synthetic('refuse-ex', 4, { qty: '123456789012345678901' })]);
    await refused([synthetic('refuse-ex', 5, { id: 2 ** 53 })]);
    await refused([synthetic('refuse-ex', 6, { price: 100.5 as unknown as string })]);
    expect(await ctx.count('trades', 'refuse-ex')).toBe(0);
  });

  it('refuses a batch large enough for RowBinary whose last print is bad, writing none of it; the same prints without it store', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => synthetic('refuse-many', i + 1));
    const error = await ctx.store.insertTrades([...many, synthetic('refuse-many', 2_501, { qty: '1e-8' })]).then(() => null, (e: unknown) => e);
    expect(isExgateError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe('qty must be a plain decimal string, got "1e-8"');
    expect(await ctx.count('trades', 'refuse-many')).toBe(0);
    await ctx.store.insertTrades(many);
    expect(await ctx.count('trades', 'refuse-many')).toBe(2_500);
    const [last] = await ctx.store.trades({ exchange: 'refuse-many', symbol: many[0]!.symbol, kind: many[0]!.kind, limit: 1, order: 'desc' });
    expect(last).toEqual(many[2_499]);
  });

  it('binds hostile strings as values: they match nothing, break nothing, and store verbatim', async () => {
    const before = await ctx.count('trades');
    const hostile = [`x' OR 1=1 --`, `'; DROP TABLE ${ctx.database}.trades; --`, `\\' OR ''='`, '{symbol:String}', 'BTCUSDT\n'];
    for (const symbol of hostile) {
      const query = { exchange: 'binance-usdm', symbol, kind: 'trade', limit: 10, order: 'desc' } as const;
      expect(await ctx.store.trades(query)).toEqual([]);
      expect(await ctx.store.lastTradeId(query)).toBeNull();
      expect(await ctx.store.trades({ ...query, exchange: symbol, symbol: 'BTCUSDT' })).toEqual([]);
    }
    await ctx.store.insertTrades(hostile.map((symbol, i) => synthetic('hostile-ex', i + 1, { symbol })));
    expect(await ctx.count('trades')).toBe(before + hostile.length);
    const stored = await ctx.store.trades({ exchange: 'hostile-ex', symbol: hostile[0] ?? '', kind: 'aggTrade', limit: 10, order: 'asc' });
    expect(stored.map((t) => [t.id, t.symbol])).toEqual([[1, hostile[0]]]);
  });
}
