import type { FastifyInstance } from 'fastify';
import { createApi } from './app';
import { fakeDeps, type FakeDeps } from './testing';

const TOKEN = 'a-control-token-of-32-characters';
const CONTROL = [
  '/v1/binance-usdm/aggtrade/pull/BTCUSDT/1m',
  '/v1/binance-usdm/aggtrade/scanner/kline/BTCUSDT/1m',
  '/v1/binance-usdm/aggtrade/scanner/allkline/5m',
  '/v1/binance-usdm/aggtrade/stop/BTCUSDT/1m',
];

describe('control token', () => {
  let deps: FakeDeps;
  let app: FastifyInstance;
  beforeEach(async () => {
    deps = fakeDeps();
    app = await createApi(deps, { controlToken: TOKEN });
  });
  afterEach(() => app.close());

  it.each(CONTROL)('%s without a token → 401 UNAUTHENTICATED, nothing done', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ code: 16, message: 'this control route needs Authorization: Bearer <token>', details: [] });
    expect(deps.pulled.size).toBe(0);
    expect(deps.calls.schedules).toEqual([]);
  });

  it.each(CONTROL)('%s with a wrong token → 403 PERMISSION_DENIED', async (url) => {
    for (const authorization of [`Bearer ${TOKEN}x`, 'Bearer short', `bearer ${TOKEN.toUpperCase()}`]) {
      const res = await app.inject({ url, headers: { authorization } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 7, message: 'the bearer token is not valid for control routes', details: [] });
    }
  });

  it('a non-bearer scheme is 401: it is not a bearer token at all', async () => {
    const res = await app.inject({ url: CONTROL[0], headers: { authorization: `Basic ${TOKEN}` } });
    expect(res.statusCode).toBe(401);
  });

  it('the right token passes on every control route', async () => {
    const statuses = [];
    for (const url of CONTROL) statuses.push((await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(deps.calls.schedules).toEqual([{ exchange: 'binance-usdm', spec: { kind: 'interval', spec: '5m', interval: '5m' } }]);
  });

  it('the token is checked before the input: an anonymous caller learns nothing from validation', async () => {
    expect((await app.inject({ url: '/v1/nope/aggtrade/pull/BTCUSDT/1m' })).statusCode).toBe(401);
  });

  it('query routes stay public', async () => {
    expect((await app.inject({ url: '/v1/binance-usdm/recent/BTCUSDT' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/binance-usdm/genkline/BTCUSDT/1m' })).statusCode).toBe(200);
  });

  it('without a configured token the control routes are open (the contract’s behaviour)', async () => {
    const open = await createApi(fakeDeps(), {});
    expect((await open.inject({ url: CONTROL[0] })).statusCode).toBe(200);
    await open.close();
  });

  it('a short token is refused at start', async () => {
    await expect(createApi(fakeDeps(), { controlToken: 'secret' })).rejects.toThrow('controlToken must be at least 16 characters');
  });
});

describe('rate limit per client', () => {
  it('answers 429 RESOURCE_EXHAUSTED with Retry-After once the bucket is empty, and refills with time', async () => {
    const deps = fakeDeps();
    const app = await createApi(deps, { rateLimit: { burst: 3, perSecond: 0.5 } });
    const url = '/v1/binance-usdm/recent/BTCUSDT';
    const from = (ip: string) => app.inject({ url, remoteAddress: ip });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from('10.0.0.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const limited = await from('10.0.0.1');
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.json()).toEqual({
      code: 8,
      message: 'too many requests from this client: slow down and retry after the delay',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.000s' }],
    });
    // Another client has its own bucket; probes are never limited.
    expect((await from('10.0.0.2')).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);

    deps.clock.advance(2000);
    expect((await from('10.0.0.1')).statusCode).toBe(200);
    expect((await from('10.0.0.1')).statusCode).toBe(429);
    await app.close();
  });

  it('applies to control routes and unknown routes too, so scanning the API costs tokens', async () => {
    const app = await createApi(fakeDeps(), { rateLimit: { burst: 1, perSecond: 1 } });
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/binance-usdm/aggtrade/pull/BTCUSDT/1m' })).statusCode).toBe(429);
    await app.close();
  });
});
