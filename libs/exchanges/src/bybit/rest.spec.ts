import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { BybitRest, bucketsOf, type BybitRestOptions } from './rest';
import { BybitSimulator, bybitFramesFromBinance, klineRows, type BybitSimulatorOptions } from './simulator';

const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
const btcLinear = bybitFramesFromBinance(binance('btcusdt-trade-stream.jsonl'), { category: 'linear' });
/** Every 7th push a block trade: Bybit flags those, and exgate leaves them out of candles. */
const ethSpot = bybitFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 2000), { category: 'spot' }).map((f, n) => {
  if (n % 7 !== 3) return f;
  const push = JSON.parse(f) as { data: Record<string, unknown>[] };
  return JSON.stringify({ ...push, data: push.data.map((d) => ({ ...d, BT: true })) });
});

let sim: BybitSimulator;
let rest: BybitRest;
const requests: { path: string; query: Record<string, string>; status: number; retCode: number | null }[] = [];

async function setup(simOptions: Partial<BybitSimulatorOptions> = {}, restOptions: Partial<BybitRestOptions> = {}): Promise<void> {
  sim = await BybitSimulator.start({ frames: [...btcLinear, ...ethSpot], restHistory: 'all', ...simOptions });
  requests.length = 0;
  sim.on('rest', (e: (typeof requests)[number]) => requests.push(e));
  rest = new BybitRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl, ...restOptions });
}

afterEach(async () => {
  await sim?.close();
});

const FIRST_MINUTE = Date.UTC(2024, 6, 18, 23, 57);

describe('Bybit REST against the simulator', () => {
  it('klines: asks by category and interval code, answers ascending with closeTime, no count or taker split', async () => {
    await setup();
    const got = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: FIRST_MINUTE, limit: 5 });
    expect(requests.map((r) => r.query)).toEqual([{
      category: 'linear', symbol: 'BTCUSDT', interval: '1', start: String(FIRST_MINUTE), end: String(FIRST_MINUTE + 4 * 60_000), limit: '5',
    }]);
    const sent = klineRows(sim.timeline('BTCUSDT'), '1').slice(0, 5);
    expect(got.map((k) => [String(k.openTimeMs), k.open, k.high, k.low, k.close, k.volume, k.quoteVolume])).toEqual(sent.map((r) => r.row));
    expect(got.map((k) => k.closeTimeMs - k.openTimeMs)).toEqual([59_999, 59_999, 59_999, 59_999, 59_999]);
    expect(got.every((k) => k.tradeCount === 0 && k.takerBuyVolume === '0' && k.takerBuyQuoteVolume === '0')).toBe(true);
  });

  it('klines: a limit past 1000 is cut into pages of whole buckets, each the same whichever end Bybit anchors', async () => {
    await setup();
    const got = await rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: FIRST_MINUTE - 1400 * 60_000, limit: 1500 });
    expect(requests.map((r) => [Number(r.query['start']), Number(r.query['end']), r.query['limit']])).toEqual([
      [FIRST_MINUTE - 1400 * 60_000, FIRST_MINUTE - 401 * 60_000, '1000'],
      [FIRST_MINUTE - 400 * 60_000, FIRST_MINUTE + 99 * 60_000, '500'],
    ]);
    expect(got.map((k) => String(k.openTimeMs))).toEqual(klineRows(sim.timeline('BTCUSDT'), '1').map((r) => r.row[0]));
  });

  it('klines: without a start, the newest up to the end; spot by its -SPOT name; block trades not counted', async () => {
    await setup();
    const eth = sim.timeline('ETHUSDT-SPOT');
    const lastMinute = Math.floor(eth[eth.length - 1]!.tradeTimeMs / 60_000) * 60_000;
    const got = await rest.klines({ symbol: 'ETHUSDT-SPOT', interval: '1m', endTimeMs: lastMinute + 30_000, limit: 2 });
    expect(requests[0]!.query).toMatchObject({ category: 'spot', symbol: 'ETHUSDT', start: String(lastMinute - 60_000), end: String(lastMinute), limit: '2' });
    const counted = eth.filter((p) => !p.blockTrade && p.tradeTimeMs >= lastMinute);
    expect(eth.some((p) => p.blockTrade && p.tradeTimeMs >= lastMinute)).toBe(true);
    expect(got.map((k) => k.openTimeMs)).toEqual([lastMinute - 60_000, lastMinute]);
    expect(got[1]!.open).toBe(counted[0]!.price);
    expect(got[1]!.volume).toBe(klineRows(eth, '1').at(-1)!.row[5]);
    expect(got[1]!.close).toBe(counted[counted.length - 1]!.price);
  });

  it('klines: refuses what Bybit cannot answer before any request', async () => {
    await setup();
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '8h' })).rejects.toMatchObject({ code: 'UNSUPPORTED_INTERVAL' });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '3d' })).rejects.toMatchObject({ code: 'UNSUPPORTED_INTERVAL' });
    await expect(rest.klines({ symbol: 'btcusdt', interval: '1m' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '1m', startTimeMs: 2, endTimeMs: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(requests).toEqual([]);
  });

  it('bucketsOf lays weeks on Mondays and months on the 1st, newest last', () => {
    const now = Date.UTC(2024, 6, 19, 12);
    expect(bucketsOf({ symbol: 'X', interval: '1w' }, 2, now)).toEqual([Date.UTC(2024, 6, 8), Date.UTC(2024, 6, 15)]);
    expect(bucketsOf({ symbol: 'X', interval: '1M', startTimeMs: Date.UTC(2024, 0, 15) }, 3, now))
      .toEqual([Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1), Date.UTC(2024, 3, 1)]);
  });

  it('recent trades: newest, ascending, Bybit ids as sourceId; spot gets its 60 at most', async () => {
    await setup({ restHistory: 'all' });
    const linear = await rest.recentTrades('BTCUSDT', 1000);
    const timeline = sim.timeline('BTCUSDT');
    expect(requests[0]!.query).toEqual({ category: 'linear', symbol: 'BTCUSDT', limit: '1000' });
    expect(linear.map((t) => [t.sourceId, t.price, t.qty, t.isBuyerMaker, t.exchangeTimeMs])).toEqual(
      timeline.slice(-1000).map((p) => [p.sourceId, p.price, p.size, p.takerSide === 'Sell', p.tradeTimeMs]));
    const spot = await rest.recentTrades('ETHUSDT-SPOT', 100);
    expect(requests[1]!.query).toEqual({ category: 'spot', symbol: 'ETHUSDT', limit: '60' });
    const ethTail = sim.timeline('ETHUSDT-SPOT').slice(-60);
    expect(spot.map((t) => [t.symbol, t.sourceId, t.market])).toEqual(ethTail.map((p) => ['ETHUSDT-SPOT', p.sourceId, !p.blockTrade]));
    expect(spot.some((t) => !t.market)).toBe(true);
  });

  it('tradesFromId: Bybit has no trades by id, and says so', async () => {
    await setup();
    await expect(rest.tradesFromId('BTCUSDT', 1, 100)).rejects.toMatchObject({ code: 'EXCHANGE_REJECTED', details: { backfill: 'newest-only' } });
    expect(requests).toEqual([]);
  });

  it('hasSymbol: from instruments-info, linear paged by cursor, spot at once, cached', async () => {
    const many = Array.from({ length: 7 }, (_, i) => `A${i}USDT`);
    await setup({ extraSymbols: { linear: many } }, { instrumentsPageSize: 3 });
    expect(await rest.hasSymbol('A6USDT')).toBe(true);
    expect(await rest.instrument('BTCUSDT')).toMatchObject({ symbol: 'BTCUSDT', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT' });
    expect(requests.filter((r) => r.path === '/v5/market/instruments-info').map((r) => r.query['cursor'] ?? '')).toEqual(['', '3', '6']);
    expect(await rest.hasSymbol('ETHUSDT-SPOT')).toBe(true);
    expect(await rest.hasSymbol('ETHUSDT')).toBe(false);
    expect(await rest.hasSymbol('not a symbol')).toBe(false);
    const count = requests.length;
    expect(await rest.hasSymbol('A0USDT')).toBe(true);
    expect(requests.length).toBe(count);
  });

  it('turns retCode errors inside HTTP 200 into typed errors', async () => {
    await setup();
    const err = await rest.recentTrades('XRPUSDT', 10).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNKNOWN_SYMBOL', details: { retCode: 10001, retMsg: 'Not supported symbols' } });
    sim.failRetCode(10016, 'Server error');
    expect(await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e)).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
    sim.failRetCode(10001, 'params error: unknown');
    expect(await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e)).toMatchObject({ code: 'EXCHANGE_REJECTED', retriable: false });
  });

  it('10006 "Too many visits!": waits until the reset Bybit names, sending nothing meanwhile', async () => {
    await setup();
    sim.failRetCode(10006, 'Too many visits!', { resetInMs: 400 });
    const err = await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retriable: true });
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(200);
    expect(await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e)).toMatchObject({ code: 'RATE_LIMITED', details: { heldBack: true } });
    expect(requests.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await rest.recentTrades('BTCUSDT', 1)).toHaveLength(1);
  });

  it('403 "access too frequent": a ban of ten minutes, nothing sent meanwhile; 5xx retriable', async () => {
    await setup();
    sim.failRest(500);
    expect(await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e)).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retriable: true });
    sim.failRest(403);
    const err = await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXCHANGE_BANNED', retryAfterMs: 600_000, details: { status: 403, body: 'access too frequent' } });
    await expect(rest.klines({ symbol: 'BTCUSDT', interval: '1m' })).rejects.toMatchObject({ code: 'EXCHANGE_BANNED', details: { heldBack: true } });
    expect(requests.map((r) => r.status)).toEqual([500, 403]);
  });

  it('keeps under the per-IP limit: waits for the window rather than earning the 403', async () => {
    await setup({ requestsPerWindow: 5, requestWindowMs: 500 }, { requestsPerWindow: 5, requestWindowMs: 500 });
    const started = Date.now();
    for (let n = 0; n < 9; n++) await rest.recentTrades('BTCUSDT', 1);
    expect(requests.map((r) => r.status)).toEqual(Array(9).fill(200));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('a client that ignores the limit is banned by the simulator, as Bybit bans an IP', async () => {
    await setup({ requestsPerWindow: 3, requestWindowMs: 60_000 }, { requestsPerWindow: 100 });
    for (let n = 0; n < 3; n++) await rest.recentTrades('BTCUSDT', 1);
    await expect(rest.recentTrades('BTCUSDT', 1)).rejects.toMatchObject({ code: 'EXCHANGE_BANNED' });
    expect(requests.map((r) => r.status)).toEqual([200, 200, 200, 403]);
  });

  it('reads a captured kline answer (7 strings a row, newest first) into ascending klines', async () => {
    const body = readFileSync(path.join(__dirname, '__fixtures__', 'kline-linear-D.json'), 'utf8');
    const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new BybitRest({ clock: systemClock, logger: silentLogger(), baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const got = await client.klines({ symbol: 'BTCUSDT', interval: '1d', startTimeMs: 1694476800000, endTimeMs: 1694649600000, limit: 3 });
      expect(got.map((k) => [k.openTimeMs, k.closeTimeMs, k.open, k.high, k.low, k.close, k.volume, k.quoteVolume])).toEqual([
        [1694476800000, 1694563199999, '25155.5', '26556.1', '25117.7', '25828.3', '56642.088', '1469420524.0455'],
        [1694563200000, 1694649599999, '25828.3', '34343', '25752.4', '26210', '76565.946', '2060874661.2268'],
        [1694649600000, 1694735999999, '26210', '26527.2', '26125.8', '26268.2', '11185.573', '293656450.7204'],
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says the exchange is unreachable as a retriable error', async () => {
    await setup();
    await sim.close();
    const err = await rest.recentTrades('BTCUSDT', 1).catch((e: unknown) => e);
    expect(isExgateError(err, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});
