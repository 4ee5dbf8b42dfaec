import type { FastifyInstance } from 'fastify';
import { createApi } from './app';
import { T0, candle, fakeDeps, type FakeDeps } from './testing';
import { klineResponse, recentResponse, pullResponse } from './schemas';

let deps: FakeDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = fakeDeps();
  app = await createApi(deps, {});
});
afterEach(() => app.close());

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, headers: res.headers };
}

describe('control routes', () => {
  it('pull starts once, then says it is already pulling (alias and lower case accepted)', async () => {
    const first = await get('/v1/fbinance/aggtrade/pull/btcusdt/1m');
    expect(first).toMatchObject({
      status: 200,
      body: { status: 'started', desc: 'started pulling aggTrade prints of BTCUSDT on binance-usdm' },
    });
    expect(pullResponse.strict().parse(first.body)).toEqual(first.body);
    const again = await get('/v1/binance-usdm/aggtrade/pull/BTCUSDT/5m');
    expect(again).toMatchObject({ status: 200, body: { status: 'already_pulling', desc: 'already pulling BTCUSDT on binance-usdm' } });
    expect([...deps.pulled]).toEqual(['binance-usdm:BTCUSDT']);
  });

  it('pull of a symbol the exchange does not list is 404 NOT_FOUND', async () => {
    const res = await get('/v1/binance-usdm/aggtrade/pull/NOPEUSDT/1m');
    expect(res).toEqual({
      status: 404,
      headers: expect.anything(),
      body: { code: 5, message: 'binance-usdm does not list NOPEUSDT', details: [] },
    });
    expect(deps.pulled.size).toBe(0);
  });

  it('stop stops a pulled symbol; stopping it again is 400 FAILED_PRECONDITION', async () => {
    await get('/v1/binance-usdm/aggtrade/pull/ETHUSDT/1m');
    expect(await get('/v1/binance-usdm/aggtrade/stop/ETHUSDT/1m')).toMatchObject({
      status: 200,
      body: { status: 'stopped', desc: 'stopped pulling ETHUSDT on binance-usdm' },
    });
    expect(await get('/v1/binance-usdm/aggtrade/stop/ETHUSDT/1m')).toMatchObject({
      status: 400,
      body: { code: 9, message: 'ETHUSDT on binance-usdm is not being pulled: nothing to stop', details: [] },
    });
  });

  it('scanner/kline reports what it regenerated', async () => {
    expect(await get('/v1/binance-usdm/aggtrade/scanner/kline/BTCUSDT/1m')).toMatchObject({
      status: 200,
      body: {
        status: 'regenerated',
        desc: 'regenerated 5 1m candles of BTCUSDT on binance-usdm from 1234 stored trades opening 2024-07-18T00:00:00.000Z .. 2024-07-18T00:04:00.000Z',
      },
    });
  });

  it('scanner/allkline takes an interval, a duration, a URL-encoded cron expression or a macro, normalised', async () => {
    expect(await get('/v1/binance-usdm/aggtrade/scanner/allkline/1m')).toMatchObject({
      status: 200,
      body: { status: 'scheduled', desc: 'closing the candles of every live symbol on binance-usdm every 1m' },
    });
    const cron = encodeURIComponent('*/5 * * * *');
    expect(await get(`/v1/binance-usdm/aggtrade/scanner/allkline/${cron}`)).toMatchObject({
      status: 200,
      body: { status: 'scheduled', desc: 'closing the candles of every live symbol on binance-usdm on cron "0 */5 * * * *" (UTC)' },
    });
    expect(await get('/v1/binance-usdm/aggtrade/scanner/allkline/30s')).toMatchObject({
      status: 200,
      body: { status: 'scheduled', desc: 'closing the candles of every live symbol on binance-usdm every 30s' },
    });
    expect(await get(`/v1/binance-usdm/aggtrade/scanner/allkline/${encodeURIComponent('@hourly')}`)).toMatchObject({
      status: 200,
      body: { status: 'scheduled', desc: 'closing the candles of every live symbol on binance-usdm on cron "0 0 * * * *" (UTC)' },
    });
    // The same schedules written differently are already there.
    for (const again of ['60s', encodeURIComponent('0 */5 * * * *'), encodeURIComponent('0 * * * *')]) {
      expect((await get(`/v1/binance-usdm/aggtrade/scanner/allkline/${again}`)).body['status']).toBe('already_scheduled');
    }
    expect(deps.calls.schedules.map((c) => c.spec)).toEqual([
      { kind: 'interval', spec: '1m', interval: '1m' },
      { kind: 'cron', spec: '0 */5 * * * *' },
      { kind: 'every', spec: '30s', everyMs: 30_000 },
      { kind: 'cron', spec: '0 0 * * * *' },
      { kind: 'interval', spec: '1m', interval: '1m' },
      { kind: 'cron', spec: '0 */5 * * * *' },
      { kind: 'cron', spec: '0 0 * * * *' },
    ]);
  });
});

describe('query routes', () => {
  it('exgate/kline returns stored candles in the window with the contract fields and exgate extras', async () => {
    const res = await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${T0 + 60_000}/${T0 + 120_000}?limit=10`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kline: [T0 + 60_000, T0 + 120_000].map((openTime) => ({
        open_time: openTime,
        open: '64210.10',
        high: '64250.00',
        low: '64190.50',
        close: '64233.20',
        volume: '12.345',
        close_time: openTime + 59_999,
        quote_volume: '792838.1234',
        trade_count: 321,
        taker_buy_volume: '6.001',
        taker_buy_quote_volume: '385400.5',
        first_trade_id: '5000000001',
        last_trade_id: '5000000321',
        gap_free: true,
        state: 'closed',
        version: 1,
      })),
    });
    expect(klineResponse.parse(res.body)).toEqual(res.body);
    expect(deps.calls.stored).toEqual([
      { exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: T0 + 60_000, toMs: T0 + 120_000, limit: 10, tzOffsetMs: 0 },
    ]);
  });

  it('a URL validated once asks the use case again with the same query; a bad one is refused every time', async () => {
    const url = `/v1/fbinance/exgate/kline/btcusdt/1m/${T0}/${T0 + 60_000}?limit=2&timeZone=%2B08:00`;
    const first = await get(url);
    expect((await get(url)).body).toEqual(first.body);
    expect(deps.calls.stored).toHaveLength(2);
    expect(deps.calls.stored[1]).toEqual(deps.calls.stored[0]);
    expect(deps.calls.stored[0]).toEqual({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: T0, toMs: T0 + 60_000, limit: 2, tzOffsetMs: 0 });
    const bad = `/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${T0 + 1}/${T0}`;
    expect((await get(bad)).status).toBe(400);
    expect((await get(bad)).status).toBe(400);
    expect((await get('/v1/binance-usdm/recent/BTCUSDT?limit=1')).body).toEqual((await get('/v1/binance-usdm/recent/BTCUSDT?limit=1')).body);
    expect(deps.calls.recent).toEqual([{ exchange: 'binance-usdm', symbol: 'BTCUSDT', limit: 1 }, { exchange: 'binance-usdm', symbol: 'BTCUSDT', limit: 1 }]);
  });

  it('a candle without trades has null trade ids; a forming one says so', async () => {
    deps = fakeDeps({
      stored: [candle('1m', T0, { firstTradeId: null, lastTradeId: null, tradeCount: 0, state: 'forming', version: 3, gapFree: false })],
    });
    await app.close();
    app = await createApi(deps, {});
    const res = await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${T0}/${T0}`);
    expect(res.body['kline']).toEqual([
      expect.objectContaining({ first_trade_id: null, last_trade_id: null, trade_count: 0, state: 'forming', version: 3, gap_free: false }),
    ]);
  });

  it('genkline without times asks for the last `limit` candles up to now', async () => {
    const now = deps.clock.nowMs();
    const res = await get('/v1/binance-usdm/genkline/BTCUSDT/1m?limit=3');
    expect(res.status).toBe(200);
    expect(deps.calls.generated).toEqual([
      { exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: now - 3 * 60_000 + 1, toMs: now, limit: 3, tzOffsetMs: 0 },
    ]);
  });

  it('genkline with a start returns candles from it, with the default limit of 500', async () => {
    const res = await get(`/v1/binance-usdm/genkline/BTCUSDT/1m?startTime=${T0 + 180_000}`);
    expect((res.body['kline'] as Array<{ open_time: number }>).map((k) => k.open_time)).toEqual([T0 + 180_000, T0 + 240_000]);
    expect(deps.calls.generated[0]).toMatchObject({ fromMs: T0 + 180_000, toMs: T0 + 180_000 + 500 * 60_000 - 1, limit: 500 });
  });

  it('genkline and the proxy pass a day-boundary offset for daily candles', async () => {
    await get(`/v1/binance-usdm/genkline/BTCUSDT/1d?startTime=${T0}&endTime=${T0}&timeZone=%2B08:00`);
    expect(deps.calls.generated[0]?.tzOffsetMs).toBe(8 * 3_600_000);
    // An unencoded + arrives as a space: it still means +.
    await get('/v1/binance-usdm/kline/BTCUSDT/1w?timeZone=+05:45');
    expect(deps.calls.proxied[0]?.tzOffsetMs).toBe(5 * 3_600_000 + 45 * 60_000);
    await get('/v1/binance-usdm/kline/BTCUSDT/1M?timeZone=-1:00');
    expect(deps.calls.proxied[1]?.tzOffsetMs).toBe(-3_600_000);
  });

  it('an offset that does not move the interval’s boundaries reaches the store as 0', async () => {
    await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1h/${T0}/${T0}?timeZone=%2B08:00`);
    await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1h/${T0}/${T0}?timeZone=%2B05:45`);
    await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1d/${T0}/${T0}?timeZone=UTC`);
    expect(deps.calls.stored.map((q) => q.tzOffsetMs)).toEqual([0, 5 * 3_600_000 + 45 * 60_000, 0]);
  });

  it('the proxy route returns the exchange klines without exgate-only fields, times as given', async () => {
    const res = await get(`/v1/fbinance/kline/btcusdt/1m?startTime=${T0}&endTime=${T0 + 60_000}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body['kline']).toEqual([
      {
        open_time: T0, open: '64210.10', high: '64250.00', low: '64190.50', close: '64233.20', volume: '12.345',
        close_time: T0 + 59_999, quote_volume: '792838.1234', trade_count: 321, taker_buy_volume: '6.001',
        taker_buy_quote_volume: '385400.5',
      },
      expect.objectContaining({ open_time: T0 + 60_000 }),
    ]);
    expect(deps.calls.proxied).toEqual([
      { exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', startTimeMs: T0, endTimeMs: T0 + 60_000, limit: 2, tzOffsetMs: 0 },
    ]);
    await get('/v1/binance-usdm/kline/BTCUSDT/1m');
    expect(deps.calls.proxied[1]).toEqual({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', limit: 500, tzOffsetMs: 0 });
  });

  it('recent returns trades with int64 id and time as strings', async () => {
    const res = await get('/v1/binance-usdm/recent/BTCUSDT');
    expect(res).toMatchObject({
      status: 200,
      body: {
        trade: [
          { id: '2000000001', time: String(T0 + 1000), price: '64210.10', amount: '0.003', isBuyerMaker: false },
          { id: '2000000002', time: String(T0 + 2500), price: '64210.10', amount: '0.003', isBuyerMaker: true },
        ],
      },
    });
    expect(recentResponse.parse(res.body)).toEqual(res.body);
    await get('/v1/binance-usdm/recent/ETHUSDT?limit=1000');
    expect(deps.calls.recent).toEqual([
      { exchange: 'binance-usdm', symbol: 'BTCUSDT', limit: 500 },
      { exchange: 'binance-usdm', symbol: 'ETHUSDT', limit: 1000 },
    ]);
  });
});

describe('operations', () => {
  it('healthz answers while the process lives; readyz follows the dependencies', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { ready: true, checks: { store: true, bus: true } } });
    deps.ready = false;
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { ready: false, checks: { store: false, bus: true } } });
  });

  it('metrics count requests by route template and status, with a latency histogram', async () => {
    await get('/v1/binance-usdm/recent/BTCUSDT');
    await get('/v1/nope/recent/BTCUSDT');
    await get('/nowhere');
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toContain('exgate_api_requests_total{method="GET",route="/v1/:exchange/recent/:symbol",status="200"} 1');
    expect(text).toContain('exgate_api_requests_total{method="GET",route="/v1/:exchange/recent/:symbol",status="400"} 1');
    expect(text).toContain('exgate_api_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('exgate_api_request_duration_seconds_count{route="/v1/:exchange/recent/:symbol"} 2');
  });
});
