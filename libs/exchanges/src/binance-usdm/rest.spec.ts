import type { ExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { BinanceRest, type BinanceRestOptions } from '../binance/rest';
import { USDM } from './constants';
import { BinanceUsdmSimulator, type SimulatorOptions } from './simulator';

const DIR = 'usdm-trades-2024-07-18';
const btcTrades = fixtureLines('binance', DIR, 'btcusdt-trade-stream.jsonl');
const klineCsv = fixtureLines('binance', DIR, 'btcusdt-klines-1m.csv');

let sim: BinanceUsdmSimulator;
let rest: BinanceRest;

async function setup(simOptions: Partial<SimulatorOptions> = {}, restOptions: Partial<BinanceRestOptions> = {}): Promise<void> {
  sim = await BinanceUsdmSimulator.start({
    recordings: { BTCUSDT: { trade: btcTrades.slice(0, 3000), klines1m: klineCsv } },
    restHistory: 'all', ...simOptions,
  });
  rest = new BinanceRest({ market: USDM, clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, ...restOptions });
}

afterEach(async () => {
  await sim?.close();
});

async function failure(call: Promise<unknown>): Promise<ExgateError> {
  try {
    await call;
  } catch (e) {
    return e as ExgateError;
  }
  throw new Error('expected the call to fail');
}

describe('BinanceUsdmRest against the simulator', () => {
  it("returns Binance's published klines, normalised with decimal strings", async () => {
    await setup();
    const klines = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: 1721347200000, limit: 2 });
    expect(klines).toEqual([
      {
        openTimeMs: 1721347200000, closeTimeMs: 1721347259999, open: '63960.00', high: '63978.00', low: '63915.60',
        close: '63978.00', volume: '292.800', quoteVolume: '18723474.19790', tradeCount: 2480,
        takerBuyVolume: '123.834', takerBuyQuoteVolume: '7918879.71640',
      },
      {
        openTimeMs: 1721347260000, closeTimeMs: 1721347319999, open: '63978.00', high: '63999.10', low: '63946.30',
        close: '63946.30', volume: '101.412', quoteVolume: '6487897.11800', tradeCount: 1334,
        takerBuyVolume: '52.548', takerBuyQuoteVolume: '3361881.69570',
      },
    ]);
    const [fiveMinutes] = await rest.klines({ symbol: 'BTCUSDT', interval: '5m', startTimeMs: 1721347200000, endTimeMs: 1721347200000 });
    expect(fiveMinutes).toMatchObject({ openTimeMs: 1721347200000, closeTimeMs: 1721347499999, high: '63999.10', low: '63834.50', tradeCount: 9553 });
  });

  it('backfills aggTrades from an id, inclusive and in order', async () => {
    await setup();
    const aggs = sim.timeline('BTCUSDT').filter((p) => p.kind === 'aggTrade');
    const from = aggs[10]!;
    const page = await rest.tradesFromId('BTCUSDT', from.id, 5);
    expect(page.map((t) => t.id)).toEqual(aggs.slice(10, 15).map((a) => a.id));
    expect(page[0]).toEqual({
      exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', id: from.id, firstTradeId: from.firstTradeId,
      lastTradeId: from.lastTradeId, price: from.price, qty: from.qty, isBuyerMaker: from.isBuyerMaker, market: true,
      exchangeTimeMs: from.tradeTimeMs, eventTimeMs: from.tradeTimeMs, receivedAtMs: expect.any(Number),
    });
    expect(await rest.tradesFromId('BTCUSDT', aggs[aggs.length - 1]!.id + 1, 5)).toEqual([]);
  });

  it('serves only what the exchange has printed so far, like a live exchange', async () => {
    await setup({ restHistory: 'printed' });
    expect(await rest.recentTrades('BTCUSDT', 10)).toEqual([]);
  });

  it('reads recent raw trades, and old ones by id only with an API key', async () => {
    await setup();
    const recent = await rest.recentTrades('BTCUSDT', 3, 'trade');
    expect(recent.map((t) => t.id)).toEqual([5182008734, 5182008735, 5182008736]);
    expect((await failure(rest.tradesFromId('BTCUSDT', 5182005737, 2, 'trade'))).code).toBe('EXCHANGE_REJECTED');
    const keyed = new BinanceRest({ market: USDM, clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, apiKey: 'read-only' });
    expect(await keyed.tradesFromId('BTCUSDT', 5182005737, 2, 'trade')).toEqual([
      expect.objectContaining({ kind: 'trade', id: 5182005737, firstTradeId: 5182005737, lastTradeId: 5182005737, price: '63943.90', qty: '0.003', isBuyerMaker: true }),
      expect.objectContaining({ id: 5182005738, qty: '0.017' }),
    ]);
  });

  it("maps Binance's invalid-symbol answer to UNKNOWN_SYMBOL, and checks arguments before any request", async () => {
    await setup();
    const unknown = await failure(rest.klines({ symbol: 'NOPEUSDT', interval: '1m' }));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_SYMBOL', retriable: false, details: { binanceCode: -1121 } });
    const before = sim.stats.restRequests;
    expect((await failure(rest.klines({ symbol: 'BTCUSDT', interval: '1s' }))).code).toBe('UNSUPPORTED_INTERVAL');
    expect((await failure(rest.klines({ symbol: 'btc/usdt', interval: '1m' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(rest.klines({ symbol: 'BTCUSDT', interval: '1m', limit: 1501 }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(rest.tradesFromId('BTCUSDT', 1, 1001))).code).toBe('INVALID_ARGUMENT');
    expect(sim.stats.restRequests).toBe(before);
  });

  it('honours 429 Retry-After: no request leaves before it has passed', async () => {
    await setup();
    sim.failRest(429, { retryAfterS: 1 });
    const limited = await failure(rest.recentTrades('BTCUSDT', 1));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retriable: true, retryAfterMs: 1000 });
    const held = await failure(rest.recentTrades('BTCUSDT', 1));
    expect(held).toMatchObject({ code: 'RATE_LIMITED', details: { heldBack: true } });
    expect(held.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(sim.stats.restStatuses).toEqual({ 429: 1 });
    await new Promise((resolve) => setTimeout(resolve, held.retryAfterMs));
    expect(await rest.recentTrades('BTCUSDT', 1)).toHaveLength(1);
    expect(sim.stats.restStatuses).toEqual({ 429: 1, 200: 1 });
  });

  it('maps 418 to EXCHANGE_BANNED (retriable later) and 5xx to EXCHANGE_UNAVAILABLE', async () => {
    await setup();
    sim.failRest(418, { retryAfterS: 120 });
    expect(await failure(rest.klines({ symbol: 'BTCUSDT', interval: '1m' })))
      .toMatchObject({ code: 'EXCHANGE_BANNED', retriable: true, retryAfterMs: 120_000, details: { status: 418, binanceCode: -1003 } });
    const fresh = new BinanceRest({ market: USDM, clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
    sim.failRest(503);
    expect(await failure(fresh.klines({ symbol: 'BTCUSDT', interval: '1m' }))).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
  });

  it('gives up on a slow answer and on an unreachable exchange with EXCHANGE_UNAVAILABLE', async () => {
    await setup({}, { timeoutMs: 100 });
    sim.failRest(200, { delayMs: 1000 });
    const slow = await failure(rest.klines({ symbol: 'BTCUSDT', interval: '1m' }));
    expect(slow).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
    expect(slow.message).toMatch(/no answer within 100 ms/);
    await sim.close();
    const unreachable = await failure(rest.klines({ symbol: 'BTCUSDT', interval: '1m' }));
    expect(unreachable).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
    expect(unreachable.message).toMatch(/ECONNREFUSED/);
  });

  it('slows down before the weight limit instead of collecting a 429', async () => {
    // 12 aggTrades calls of weight 20 against 100 per 500 ms: unpaced they would hit the limit.
    await setup({ weightLimit: 100, weightWindowMs: 500 }, { weightLimit: 100, weightWindowMs: 500 });
    const startedMs = Date.now();
    const pages = [];
    for (let i = 0; i < 12; i++) pages.push(await rest.recentTrades('BTCUSDT', 1));
    expect(pages.flat()).toHaveLength(12);
    expect(sim.stats.restStatuses).toEqual({ 200: 12 });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(500);
    expect(rest.usedWeight).toBeGreaterThan(0);
  });

  it('knows the listed symbols from exchangeInfo, asking once', async () => {
    await setup({ extraSymbols: ['ETHUSDT'] });
    expect(await rest.hasSymbol('BTCUSDT')).toBe(true);
    expect(await rest.hasSymbol('ETHUSDT')).toBe(true);
    expect(await rest.hasSymbol('NOPEUSDT')).toBe(false);
    expect(await rest.hasSymbol('not a symbol')).toBe(false);
    expect(sim.stats.restRequests).toBe(1);
  });
});
