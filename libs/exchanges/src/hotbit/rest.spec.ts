import { fixtureLines } from '@exgate/testing';
import { ExgateError } from '@exgate/errors';
import { silentLogger, systemClock } from '@exgate/runtime';
import { HotbitRest } from './rest';
import { HotbitSimulator, hotbitFramesFromBinance } from './simulator';

const btc = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const frames = hotbitFramesFromBinance(btc, { firstId: 5_000_000 });

let sim: HotbitSimulator;
let rest: HotbitRest;

beforeEach(async () => {
  sim = await HotbitSimulator.start({ frames, restHistory: 'all' });
  rest = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
});
afterEach(async () => {
  await sim.close();
});

async function raw(path: string): Promise<unknown> {
  return (await fetch(`${sim.restBaseUrl}${path}`)).json();
}

async function failure(p: Promise<unknown>): Promise<ExgateError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ExgateError);
  return e as ExgateError;
}

describe('HotBit REST against the simulator', () => {
  it('lists markets from market.list, and refuses a malformed name without asking', async () => {
    expect(await rest.hasSymbol('BTCUSDT')).toBe(true);
    expect(await rest.hasSymbol('ETHUSDT')).toBe(false);
    expect(sim.stats.restRequests).toBe(1);
    expect(await rest.hasSymbol('BTC/USDT')).toBe(false);
    expect(sim.stats.restRequests).toBe(1);
    expect(await raw('/p1/market.list')).toMatchObject({ error: null, result: [{ name: 'BTCUSDT', stock: 'BTC', money: 'USDT' }] });
  });

  it('serves the newest deals oldest first, asking for the market as BTC/USDT', async () => {
    const trades = await rest.recentTrades('BTCUSDT', 3);
    const last = sim.timeline('BTCUSDT').slice(-3);
    expect(trades.map((t) => t.id)).toEqual(last.map((d) => d.id));
    expect(trades.map((t) => [t.price, t.qty, t.isBuyerMaker])).toEqual(last.map((d) => [d.price, d.amount, d.type === 'sell']));
    // market.deals answers whole seconds (seed 001's example): the ms are gone.
    expect(trades.map((t) => t.exchangeTimeMs)).toEqual(last.map((d) => Math.floor(d.eventTimeMs / 1000) * 1000));
    // The websocket spelling is refused by REST: the adapter's mapping is what made the call work.
    expect(await raw('/p1/market.deals?market=BTCUSDT&limit=3&last_id=0')).toEqual({ error: { code: 1, message: 'invalid argument' }, result: null, id: expect.any(Number) });
  });

  it('answers only the newest deals above last_id: an old id cannot be paged forward from', async () => {
    const first = sim.timeline('BTCUSDT')[0]!.id;
    const page = (await raw(`/p1/market.deals?market=BTC/USDT&limit=1000&last_id=${first}`)) as { result: { id: number }[] };
    const ids = page.result.map((d) => d.id);
    expect(ids).toHaveLength(1000);
    expect(ids[0]).toBe(sim.timeline('BTCUSDT').at(-1)!.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Math.min(...ids)).toBeGreaterThan(first + 9000);
    // Only the newest 10,000 deals are kept (the capture holds 10,701).
    const oldest = (await raw('/p1/market.deals?market=BTC/USDT&limit=1000&last_id=0')) as { result: unknown[] };
    expect(oldest.result).toHaveLength(1000);
    expect(await raw('/p1/market.deals?market=BTC/USDT&limit=1001&last_id=0')).toMatchObject({ error: { code: 1 } });
    expect(await raw('/p1/market.deals?market=BTC/USDT&limit=10')).toMatchObject({ error: { code: 1 } });

    const e = await failure(rest.tradesFromId('BTCUSDT', first, 100));
    expect(e).toMatchObject({ code: 'EXCHANGE_REJECTED', retriable: false });
    expect(e.message).toMatch(/cannot serve deals from an id/);
  });

  it("maps market.kline rows (close before high and low) onto klines on HotBit's clock", async () => {
    const start = Date.UTC(2024, 6, 18, 23, 58);
    const klines = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: start, limit: 2 });
    const rows = ((await raw(`/p1/market.kline?market=BTC/USDT&start_time=${start / 1000}&end_time=${start / 1000 + 60}&interval=60`)) as { result: string[][] }).result;
    expect(klines).toEqual(rows.map((r) => ({
      openTimeMs: Number(r[0]) * 1000, closeTimeMs: Number(r[0]) * 1000 + 59_999,
      open: r[1], close: r[2], high: r[3], low: r[4], volume: r[5], quoteVolume: r[6],
      takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0,
    })));
    expect(klines.map((k) => k.openTimeMs)).toEqual([start, start + 60_000]);
    expect(rows[0]![7]).toBe('BTCUSDT');
    // Days close at Singapore midnight.
    const [day] = await rest.klines({ symbol: 'BTCUSDT', interval: '1d', startTimeMs: Date.UTC(2024, 6, 18, 16), limit: 1 });
    expect(day).toMatchObject({ openTimeMs: Date.UTC(2024, 6, 18, 16), closeTimeMs: Date.UTC(2024, 6, 19, 16) - 1 });
    // Without a start: the latest `limit` buckets up to the end.
    const latest = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', endTimeMs: Date.UTC(2024, 6, 19, 0, 5), limit: 3 });
    expect(latest.map((k) => k.openTimeMs)).toEqual([3, 4, 5].map((m) => Date.UTC(2024, 6, 19, 0, m)));
  });

  it('checks symbols, limits and intervals before any request', async () => {
    await expect(rest.klines({ symbol: 'btc_usdt', interval: '1m' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '1m', limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.recentTrades('BTCUSDT', 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: 2, endTimeMs: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(sim.stats.restRequests).toBe(0);
    await expect(rest.recentTrades('ETHUSDT', 5)).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(await raw('/p1/market.kline?market=BTC/USDT&start_time=0&end_time=60&interval=7')).toMatchObject({ error: { code: 1 } });
    expect(await raw('/p1/market.kline?market=BTC/USDT&start_time=0&end_time=60&interval=5400')).toMatchObject({ error: { code: 1 } });
  });

  it('holds every request back after a 429 until Retry-After, and calls a 5xx unavailable', async () => {
    await rest.hasSymbol('BTCUSDT');
    sim.failRest(429, { retryAfterS: 2 });
    const limited = await failure(rest.recentTrades('BTCUSDT', 5));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retriable: true, retryAfterMs: 2000 });
    const requests = sim.stats.restRequests;
    await expect(rest.recentTrades('BTCUSDT', 5)).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { heldBack: true } });
    expect(sim.stats.restRequests).toBe(requests);

    const fresh = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
    sim.failRest(503);
    await expect(fresh.recentTrades('BTCUSDT', 5)).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
    const slow = new HotbitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, timeoutMs: 50 });
    sim.failRest(200, { delayMs: 300 });
    await expect(slow.hasSymbol('BTCUSDT')).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: expect.stringMatching(/no answer within 50 ms/) });
  });
});
