import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { createApi } from '../app';
import { fakeDeps, T0 } from '../testing';

/** Strings attackers and broken clients send; each goes into every parameter of every dialect route. */
const CORPUS = [
  "' OR 1=1 --", '../../etc/passwd', '%00', '\u0000', '%', '%E0%A4%A', '{{7*7}}', '<script>', '__proto__', 'constructor',
  'NaN', 'Infinity', '-1', '-0', '1e309', '9007199254740993', '99999999999999999999999', '0x1F', ' ', '', '😀', 'ＢＴＣ', 'İ',
  '\r\nX: 1', 'A'.repeat(5_000), '[]', '[1]', '["BTCUSDT"]', '{"a":1}', 'null', 'true',
  'BTCUSDT', 'btcusdt', 'BTC/USDT', 'BTC_USDT', 'BTC-PERP', 'BTC_USDC_PERP', 'binance-usdm', 'fbinance', 'binance-spot', 'hotbit',
  '1m', '1s', '1M', '60', '86400', 'ONE_MINUTE', 'ONE_DAY', String(T0), String(T0 / 1000), '2024-07-18T00:00:00Z', '2024-02-30T00:00:00Z',
];

/** Every dialect route with its parameters (path ones in braces) and the error body it must answer with. */
interface DialectCase {
  readonly template: string;
  readonly query: readonly string[];
  readonly valid: Readonly<Record<string, string>>;
  readonly shape: (body: unknown, status: number) => boolean;
}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const intx = (b: unknown, status: number) => isObj(b) && Object.keys(b).sort().join() === 'status,title' && typeof b['title'] === 'string' && b['status'] === status;
const candlesApi = (b: unknown) => isObj(b) && typeof b['error'] === 'string';
const binance = (b: unknown) => isObj(b) && Object.keys(b).sort().join() === 'code,msg' && typeof b['code'] === 'number' && typeof b['msg'] === 'string';
const hotbit = (b: unknown) => isObj(b) && isObj(b['error']) && typeof b['error']['code'] === 'number' && typeof b['error']['message'] === 'string' && b['result'] === null;

const BINANCE_QUERY = ['symbol', 'interval', 'startTime', 'endTime', 'limit', 'fromId', 'timeZone', 'symbols', 'exchange'];
const CASES: readonly DialectCase[] = [
  { template: '/api/v1/instruments/{instrument}/candles', query: ['granularity', 'start', 'end', 'exchange'], valid: { instrument: 'BTCUSDT', granularity: 'ONE_MINUTE', start: '2024-07-18T00:00:00Z', exchange: 'binance-usdm' }, shape: intx },
  { template: '/api/v1/candles', query: ['symbol', 'interval', 'from', 'to', 'exchange'], valid: { symbol: 'BTCUSDT', interval: '1m', exchange: 'binance-usdm' }, shape: candlesApi },
  ...['/fapi/v1', '/api/v3', '/dapi/v1'].flatMap((base) =>
    ['klines', 'aggTrades', 'trades', 'exchangeInfo', 'time', 'ping', 'nope'].map((route) => ({
      template: `${base}/${route}`, query: BINANCE_QUERY, valid: { symbol: 'BTCUSDT', interval: '1m', exchange: 'binance-usdm' }, shape: binance,
    })),
  ),
  ...['/fstream/ws/{stream}', '/fstream/stream', '/fstream/{category}/ws', '/stream/ws/{stream}', '/stream/stream'].map((template) => ({
    template, query: ['streams', 'exchange'], valid: { stream: 'btcusdt@kline_1m', category: 'market', streams: 'btcusdt@aggTrade', exchange: 'binance-usdm' }, shape: binance,
  })),
  ...['market.kline', 'market.deals', 'market.last', 'market.status', 'market.status_today', 'market.status24h', 'market.summary', 'market.list', 'allticker', 'server.time', 'nope'].map((method) => ({
    template: `/v2/p1/${method}`, query: ['market', 'start_time', 'end_time', 'interval', 'limit', 'last_id', 'period', 'markets', 'exchange'],
    valid: { market: 'BTC/USDT', start_time: String(T0 / 1000), end_time: String(T0 / 1000 + 600), interval: '60', period: '3600', exchange: 'binance-usdm' }, shape: hotbit,
  })),
  { template: '/v2', query: ['exchange', 'compress'], valid: { exchange: 'binance-usdm' }, shape: hotbit },
];

let app: FastifyInstance;
beforeAll(async () => {
  app = await createApi(fakeDeps(), { rateLimit: { enabled: false } });
  // injectWS does not ready the app as inject does: the websocket tests alone (-t) would wait forever.
  await app.ready();
});
afterAll(() => app.close());

const put = (text: string, encoded: boolean) => (encoded ? encodeURIComponent(text) : text.replace(/[#?\s\\&=]/g, encodeURIComponent));

function url(c: DialectCase, values: Readonly<Record<string, [string, boolean]>>): string {
  const path = c.template.replace(/\{(\w+)\}/g, (_, p: string) => {
    const v = values[p];
    return v ? put(v[0], v[1]) : (c.valid[p] ?? p);
  });
  const query = c.query.flatMap((k) => {
    const v = values[k];
    if (v) return [`${k}=${put(v[0], v[1])}`];
    return c.valid[k] === undefined ? [] : [`${k}=${encodeURIComponent(c.valid[k])}`];
  });
  return query.length === 0 ? path : `${path}?${query.join('&')}`;
}

const rpcStatus = (b: unknown) => isObj(b) && Object.keys(b).sort().join() === 'code,details,message';
const PREFIXES: ReadonlyArray<[string, (b: unknown, status: number) => boolean]> = [
  ['/api/v1/instruments', intx], ['/api/v1/candles', candlesApi], ['/fapi/v1', binance], ['/api/v3', binance], ['/dapi/v1', binance],
  ['/fstream', binance], ['/stream', binance], ['/v2/p1', hotbit],
];

/** The shape the path asks for once the client normalised it (a raw "../" can leave the dialect). */
function shapeOf(c: DialectCase, target: string): (b: unknown, status: number) => boolean {
  let path: string;
  try {
    path = new URL(target, 'http://exgate').pathname;
  } catch {
    return c.shape;
  }
  if (path === '/v2' || path === '/v2/') return hotbit;
  return PREFIXES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1] ?? rpcStatus;
}

async function expectDialectAnswer(c: DialectCase, target: string): Promise<void> {
  const res = await app.inject({ method: 'GET', url: target });
  if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${target.slice(0, 300)}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400 && !shapeOf(c, target)(res.json(), res.statusCode)) throw new Error(`not the dialect's error shape for ${target.slice(0, 200)}: ${res.body.slice(0, 300)}`);
}

describe('fuzzing the dialects: bad input gets each dialect its own error body with a 4xx, never a 5xx', () => {
  it('every corpus string in every parameter of every route, raw and encoded', async () => {
    for (const c of CASES) {
      const names = [...c.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).concat(c.query);
      for (const name of names) {
        for (const bad of CORPUS) {
          for (const encoded of [true, false]) await expectDialectAnswer(c, url(c, { [name]: [bad, encoded] }));
        }
      }
    }
  });

  it('random values in random parameters, repeated keys included', async () => {
    const value = fc.oneof(fc.constantFrom(...CORPUS), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CASES), fc.dictionary(fc.string({ maxLength: 12 }), fc.tuple(value, fc.boolean()), { maxKeys: 4 }), fc.integer({ min: 0, max: 20 }), fc.boolean(), async (c, extra, pick, repeat) => {
        const names = [...c.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).concat(c.query);
        const name = names[pick % names.length]!;
        const chosen = extra[Object.keys(extra)[0] ?? ''] ?? ['x', true];
        let target = url(c, { [name]: chosen });
        if (repeat && c.query.length > 0) target += `${target.includes('?') ? '&' : '?'}${c.query[pick % c.query.length]}=1`;
        for (const [k, [v, enc]] of Object.entries(extra)) target += `${target.includes('?') ? '&' : '?'}${put(k, true)}=${put(v, enc)}`;
        await expectDialectAnswer(c, target);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('fuzzing the dialects’ websockets: every message gets one answer in the dialect’s shape, the connection stays', () => {
  const message = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.json({ maxDepth: 3 }),
    fc.record({
      method: fc.oneof(fc.constantFrom('SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY', 'server.ping', 'kline.query', 'deals.query', 'deals.subscribe', 'kline.subscribe', 'state.query', 'today.subscribe', 'price.unsubscribe'), fc.string({ maxLength: 20 }), fc.integer()),
      params: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...CORPUS, 'btcusdt@kline_1m', 'btcusdt@aggTrade', 'btcusdt@trade'), fc.integer(), fc.string({ maxLength: 20 })), { maxLength: 4 }), fc.anything()),
      id: fc.oneof(fc.integer({ min: 0 }), fc.string({ maxLength: 10 }), fc.constant(null)),
      exchange: fc.option(fc.constantFrom('binance-usdm', 'nope', 'binance-spot'), { nil: undefined }),
    }).map((m) => JSON.stringify(m)),
  );

  async function exchange(ws: WebSocket, text: string, decode: (data: Buffer, binary: boolean) => unknown): Promise<unknown> {
    const answer = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer, binary: boolean) => resolve(decode(data, binary))));
    ws.send(text);
    return answer;
  }

  it('Binance streams: {result, id} or {error: {code, msg}, id}', async () => {
    const ws = await app.injectWS('/fstream/ws');
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const answer = (await exchange(ws, text, (d) => JSON.parse(d.toString()))) as Record<string, unknown>;
        const ok = 'result' in answer || (isObj(answer['error']) && typeof answer['error']['code'] === 'number' && typeof answer['error']['msg'] === 'string');
        if (!ok || !('id' in answer)) throw new Error(`unexpected answer to ${text.slice(0, 100)}: ${JSON.stringify(answer).slice(0, 200)}`);
      }),
      { numRuns: 400 },
    );
    expect(ws.readyState).toBe(1);
    ws.terminate();
  });

  it('HotBit: gzip frames of {error, result, id} with a ViaBTC code on error', async () => {
    const ws = await app.injectWS('/v2/?exchange=binance-usdm');
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const answer = (await exchange(ws, text, (d, binary) => (binary ? JSON.parse(gunzipSync(d).toString()) : 'not binary'))) as Record<string, unknown>;
        const ok = isObj(answer) && 'result' in answer && 'id' in answer && (answer['error'] === null || (isObj(answer['error']) && [1, 2, 3, 4].includes(answer['error']['code'] as number)));
        if (!ok) throw new Error(`unexpected answer to ${text.slice(0, 100)}: ${JSON.stringify(answer).slice(0, 200)}`);
        // A subscription answered with a push right after: drop it so the next message's answer is next.
        await new Promise((resolve) => setImmediate(resolve));
        ws.removeAllListeners('message');
      }),
      { numRuns: 400 },
    );
    expect(ws.readyState).toBe(1);
    ws.terminate();
  });
});
