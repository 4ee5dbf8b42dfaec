import type { FastifyInstance } from 'fastify';
import { ExgateError } from '@exgate/errors';
import { createApi } from './app';
import { T0, fakeDeps, type FakeDeps } from './testing';
import { rpcStatusSchema } from './schemas';

let deps: FakeDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = fakeDeps();
  app = await createApi(deps, { rateLimit: { enabled: false } });
});
afterEach(() => app.close());

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  const body = res.json() as { code: number; message: string; details: unknown[] };
  expect(rpcStatusSchema.strict().parse(body)).toEqual(body);
  return { status: res.statusCode, code: body.code, message: body.message, details: body.details };
}

const FUTURES_INTERVALS = '1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M';
const ALL_SYMBOL_ROUTES = [
  (ex: string, sym: string, iv: string) => `/v1/${ex}/aggtrade/pull/${sym}/${iv}`,
  (ex: string, sym: string, iv: string) => `/v1/${ex}/aggtrade/stop/${sym}/${iv}`,
  (ex: string, sym: string, iv: string) => `/v1/${ex}/aggtrade/scanner/kline/${sym}/${iv}`,
  (ex: string, sym: string, iv: string) => `/v1/${ex}/exgate/kline/${sym}/${iv}/${T0}/${T0 + 60_000}`,
  (ex: string, sym: string, iv: string) => `/v1/${ex}/genkline/${sym}/${iv}`,
  (ex: string, sym: string, iv: string) => `/v1/${ex}/kline/${sym}/${iv}`,
  (ex: string, sym: string) => `/v1/${ex}/recent/${sym}`,
];

describe('bad path parameters on every route', () => {
  it.each(ALL_SYMBOL_ROUTES.map((r) => [r('kraken', 'BTCUSDT', '1m')]))('%s: unknown exchange lists the known ones', async (url) => {
    expect(await get(url)).toMatchObject({
      status: 400,
      code: 3,
      message: 'unknown exchange "kraken"; known: binance-usdm (alias fbinance), binance-spot',
    });
  });

  it.each(ALL_SYMBOL_ROUTES.map((r) => [r('fbinance', 'BTC-USDT', '1m')]))('%s: a symbol outside the exchange syntax is 400', async (url) => {
    expect(await get(url)).toMatchObject({
      status: 400,
      code: 3,
      message: 'invalid symbol "BTC-USDT" for binance-usdm: expected ^[A-Z0-9]{2,20}$',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'symbol', description: 'must match ^[A-Z0-9]{2,20}$' }] }],
    });
  });

  it.each(ALL_SYMBOL_ROUTES.slice(0, 6).map((r) => [r('binance-usdm', 'BTCUSDT', '7m')]))('%s: a bad interval lists the allowed ones', async (url) => {
    expect(await get(url)).toMatchObject({ status: 400, code: 3, message: `unsupported interval "7m" for binance-usdm; allowed: ${FUTURES_INTERVALS}` });
  });

  it('an interval valid elsewhere but not on this exchange (1s on futures) is 400', async () => {
    expect(await get('/v1/binance-usdm/genkline/BTCUSDT/1s')).toMatchObject({ status: 400, message: expect.stringContaining('unsupported interval "1s"') });
    expect((await app.inject({ url: '/v1/binance-spot/genkline/BTCUSDT/1s' })).statusCode).toBe(200);
  });

  it('intervals are case-sensitive: 1M is a month, 1m a minute, 1H nothing', async () => {
    expect(await get('/v1/binance-usdm/genkline/BTCUSDT/1H')).toMatchObject({ status: 400, code: 3 });
  });

  it('a very long symbol is a 400 with the value cut short in the message', async () => {
    const res = await get(`/v1/binance-usdm/recent/${'A'.repeat(5000)}`);
    expect(res).toMatchObject({ status: 400, code: 3 });
    expect(res.message.length).toBeLessThan(200);
  });
});

describe('bad times and limits', () => {
  const stored = (start: string, end: string, q = '') => `/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${start}/${end}${q}`;
  it.each([
    [stored('abc', String(T0)), 'startTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    [stored(String(T0), '-5'), 'endTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    [stored('1.5', String(T0)), 'startTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    [stored('1e12', String(T0)), 'startTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    [stored('999999999999999', '999999999999999'), 'startTime is after year 9999: it must be in milliseconds; endTime is after year 9999: it must be in milliseconds'],
    [stored(String(T0 + 1), String(T0)), `startTime (${T0 + 1}) is after endTime (${T0})`],
    [stored(String(T0), String(T0), '?limit=0'), 'limit must be an integer between 1 and 1500'],
    [stored(String(T0), String(T0), '?limit=1501'), 'limit must be an integer between 1 and 1500'],
    [stored(String(T0), String(T0), '?limit=ten'), 'limit must be an integer between 1 and 1500'],
    [stored(String(T0), String(T0), '?limit=-1'), 'limit must be an integer between 1 and 1500'],
    [stored(String(T0), String(T0), '?limit=1&limit=2'), 'limit must be given once'],
    [`/v1/binance-usdm/genkline/BTCUSDT/1m?startTime=${T0 + 1}&endTime=${T0}`, `startTime (${T0 + 1}) is after endTime (${T0})`],
    ['/v1/binance-usdm/genkline/BTCUSDT/1m?startTime=yesterday', 'startTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    ['/v1/binance-usdm/genkline/BTCUSDT/1m?endTime=', 'endTime must be a non-negative integer: milliseconds since the epoch (UTC)'],
    ['/v1/binance-usdm/kline/BTCUSDT/1m?limit=2000', 'limit must be an integer between 1 and 1500'],
    [`/v1/binance-usdm/kline/BTCUSDT/1m?startTime=${T0}&endTime=1`, `startTime (${T0}) is after endTime (1)`],
    ['/v1/binance-usdm/recent/BTCUSDT?limit=1001', 'limit must be an integer between 1 and 1000'],
    ['/v1/binance-usdm/recent/BTCUSDT?limit=0x10', 'limit must be an integer between 1 and 1000'],
  ])('%s → 400: %s', async (url, message) => {
    expect(await get(url)).toMatchObject({ status: 400, code: 3, message });
    expect(deps.calls.stored.length + deps.calls.generated.length + deps.calls.proxied.length + deps.calls.recent.length).toBe(0);
  });

  it('names each bad parameter in BadRequest field violations', async () => {
    const res = await get('/v1/binance-usdm/genkline/BTCUSDT/1m?startTime=x&limit=0');
    expect(res.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [
          { field: 'startTime', description: 'startTime must be a non-negative integer: milliseconds since the epoch (UTC)' },
          { field: 'limit', description: 'limit must be an integer between 1 and 1500' },
        ],
      },
    ]);
  });

  it.each([
    ['1d', 'EST', 'invalid timeZone "EST": expected an offset like +08:00, -1:00 or 8, within -12:00..+14:00'],
    ['1d', '%2B15:00', 'invalid timeZone "+15:00": expected an offset like +08:00, -1:00 or 8, within -12:00..+14:00'],
    ['1d', '08:60', 'invalid timeZone "08:60": expected an offset like +08:00, -1:00 or 8, within -12:00..+14:00'],
    ['1h', 'x'.repeat(40), 'timeZone is not an offset like +08:00'],
  ])('interval %s with timeZone=%s → 400', async (interval, tz, message) => {
    expect(await get(`/v1/binance-usdm/genkline/BTCUSDT/${interval}?timeZone=${tz}`)).toMatchObject({ status: 400, code: 3, message });
  });
});

describe('bad schedules', () => {
  // The grammar itself is libs/domain/src/schedule.spec.ts: here, how a refusal reaches the caller.
  const GRAMMAR = 'expected a kline interval (1m, 1h, 1w, 1M, ...), a duration from 1s to 7d';
  it.each([
    ['1x', GRAMMAR],
    ['0s', 'a duration must be between 1s and 7d'],
    ['8d', 'a duration must be between 1s and 7d'],
    [encodeURIComponent('* * *'), GRAMMAR],
    [encodeURIComponent('61 * * * *'), 'Constraint error, got value 61 expected range 0-59'],
    [encodeURIComponent('H * * * *'), 'hashed (H) cron fields are not supported'],
    [encodeURIComponent('@reboot'), 'unknown macro'],
    [encodeURIComponent("' OR 1=1 --"), GRAMMAR],
    ['x'.repeat(200), 'cron_interval must be at most 120 characters'],
  ])('allkline/%s → 400', async (cron, why) => {
    const res = await get(`/v1/binance-usdm/aggtrade/scanner/allkline/${cron}`);
    expect(res).toMatchObject({ status: 400, code: 3, message: expect.stringContaining(why) });
    expect(deps.calls.schedules).toEqual([]);
  });

  it('names cron_interval with the reason in a BadRequest detail', async () => {
    expect(await get('/v1/binance-usdm/aggtrade/scanner/allkline/8d')).toEqual({
      status: 400,
      code: 3,
      message: 'invalid cron_interval "8d": a duration must be between 1s and 7d',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          fieldViolations: [{ field: 'cron_interval', description: 'a duration must be between 1s and 7d' }],
        },
      ],
    });
  });
});

describe('routes and failures that are not the caller’s', () => {
  it.each(['/index.html', '/v1', '/v1/exchanges/binance-usdm', '/v1/binance-usdm/kline/BTCUSDT', '/v2/binance-usdm/recent/BTCUSDT', '/v1/binance-usdm/recent/BTCUSDT/extra'])(
    'unknown route %s → 404 NOT_FOUND',
    async (url) => {
      expect(await get(url)).toMatchObject({ status: 404, code: 5, message: `no route GET ${url}` });
    },
  );

  it('other methods on a GET route → 404 NOT_FOUND with the body', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/binance-usdm/recent/BTCUSDT', payload: { a: 1 } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 5, details: [] });
  });

  it('a malformed percent-encoding is 400, not 500', async () => {
    const res = await app.inject({ url: '/v1/binance-usdm/recent/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 3 });
  });

  it('a dependency’s typed error keeps its code: unavailable exchange → 503, unknown symbol → 404', async () => {
    deps.candles.proxied = async () => {
      throw new ExgateError('EXCHANGE_UNAVAILABLE', 'binance-usdm REST did not answer');
    };
    expect(await get('/v1/binance-usdm/kline/BTCUSDT/1m')).toMatchObject({ status: 503, code: 14, message: 'binance-usdm REST did not answer' });
    deps.trades.recent = async () => {
      throw new ExgateError('UNKNOWN_SYMBOL', 'binance-usdm does not list XYZUSDT');
    };
    expect(await get('/v1/binance-usdm/recent/XYZUSDT')).toMatchObject({ status: 404, code: 5 });
  });

  it('an exchange 429 passes on as 429 with Retry-After', async () => {
    deps.candles.proxied = async () => {
      throw new ExgateError('RATE_LIMITED', 'binance-usdm asks to back off', { retryAfterMs: 2500 });
    };
    const res = await app.inject({ url: '/v1/binance-usdm/kline/BTCUSDT/1m' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json()).toEqual({
      code: 8,
      message: 'binance-usdm asks to back off',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.500s' }],
    });
  });

  it('an unexpected failure is 500 INTERNAL with a generic message that leaks nothing', async () => {
    deps.candles.storedBody = async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:9000 password=hunter2');
    };
    expect(await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${T0}/${T0}`)).toEqual({ status: 500, code: 13, message: 'internal error', details: [] });
    deps.candles.storedBody = async () => {
      throw new ExgateError('STORE_QUERY_FAILED', 'SELECT * FROM candles WHERE secret');
    };
    expect(await get(`/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${T0}/${T0}`)).toMatchObject({ status: 500, message: 'internal error' });
  });
});
