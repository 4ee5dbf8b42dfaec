import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { IntxRest } from './rest';
import { IntxSimulator, intxFramesFromBinance } from './simulator';
import { aggregations } from './simulator/candles';

const btc = intxFramesFromBinance(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));

let sim: IntxSimulator;
let rest: IntxRest;

beforeAll(async () => {
  sim = await IntxSimulator.start({ frames: btc, host: '127.0.0.1', restHistory: 'all', extraSymbols: ['ETH-PERP', 'BTC-USDC'] });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  rest = new IntxRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, canSubscribe: true });
});

const requests = (): { path: string; query: Record<string, string>; status: number }[] => {
  const seen: { path: string; query: Record<string, string>; status: number }[] = [];
  sim.on('rest', (e: { path: string; query: Record<string, string>; status: number }) => seen.push(e));
  return seen;
};

describe('Coinbase INTX REST against the simulator', () => {
  it("asks seed 002's candles route and returns the exchange's candles ascending, exactly", async () => {
    const seen = requests();
    const first = sim.timeline('BTC-PERP')[0]!.timeMs;
    const start = Math.floor(first / 60_000) * 60_000;
    const klines = await rest.klines({ symbol: 'BTC-PERP', interval: '1m', startTimeMs: start, limit: 5 });
    expect(seen).toEqual([{
      path: '/api/v1/instruments/BTC-PERP/candles', status: 200,
      query: { granularity: 'ONE_MINUTE', start: new Date(start).toISOString().replace('.000Z', 'Z'), end: new Date(start + 4 * 60_000).toISOString().replace('.000Z', 'Z') },
    }]);
    const expected = aggregations(sim.timeline('BTC-PERP'), 'ONE_MINUTE')!.slice(0, 5);
    expect(klines.map((k) => [new Date(k.openTimeMs).toISOString().replace('.000Z', 'Z'), k.open, k.high, k.low, k.close, k.volume]))
      .toEqual(expected.map((a) => [a.start, a.open, a.high, a.low, a.close, a.volume]));
    expect(klines[0]).toMatchObject({ closeTimeMs: start + 59_999, quoteVolume: '0', tradeCount: 0 });
  });

  it('refuses what INTX cannot serve before any request: other intervals, other spellings', async () => {
    const seen = requests();
    await expect(rest.klines({ symbol: 'BTC-PERP', interval: '4h' })).rejects.toMatchObject({ code: 'UNSUPPORTED_INTERVAL' });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '1m' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.klines({ symbol: 'BTC-PERP/../x', interval: '1m' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(seen).toEqual([]);
  });

  it('has no trades endpoint: recent trades and backfill are refused, clearly', async () => {
    const error = await rest.recentTrades('BTC-PERP').then(() => null, (e: unknown) => e);
    expect(isExgateError(error, 'EXCHANGE_REJECTED')).toBe(true);
    expect((error as Error).message).toContain('no public trades endpoint');
    await expect(rest.tradesFromId('BTC-PERP')).rejects.toMatchObject({ code: 'EXCHANGE_REJECTED' });
  });

  it('lists instruments and answers hasSymbol from the listing; an unknown instrument is UNKNOWN_SYMBOL on candles', async () => {
    expect([...(await rest.instruments()).keys()].sort()).toEqual(['BTC-PERP', 'BTC-USDC', 'ETH-PERP']);
    expect(await rest.hasSymbol('ETH-PERP')).toBe(true);
    expect(await rest.hasSymbol('DOGE-PERP')).toBe(false);
    expect(await rest.hasSymbol('dogeperp')).toBe(false);
    await expect(rest.klines({ symbol: 'DOGE-PERP', interval: '1m' })).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
  });

  it('without credentials a pull is refused up front (hasSymbol), naming the variables to set', async () => {
    const keyless = new IntxRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, canSubscribe: false });
    const error = await keyless.hasSymbol('BTC-PERP').then(() => null, (e: unknown) => e);
    expect(isExgateError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('COINBASE_INTX_API_KEY');
    // Its public candles need no key.
    expect((await keyless.klines({ symbol: 'BTC-PERP', interval: '1d', limit: 1, endTimeMs: sim.timeline('BTC-PERP')[0]!.timeMs })).length).toBe(1);
  });

  it('a 429 holds every request until its Retry-After has passed', async () => {
    sim.failRest(429, { retryAfterS: 30 });
    const error = await rest.klines({ symbol: 'BTC-PERP', interval: '1m', limit: 1 }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    const seen = requests();
    await expect(rest.klines({ symbol: 'BTC-PERP', interval: '1m', limit: 1 })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(seen).toEqual([]);
  });

  it('a 500 is EXCHANGE_UNAVAILABLE, retriable', async () => {
    sim.failRest(503);
    await expect(rest.klines({ symbol: 'BTC-PERP', interval: '1m', limit: 1 })).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
  });
});
