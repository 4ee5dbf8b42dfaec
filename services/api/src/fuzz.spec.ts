import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createApi } from './app';
import { dialectErrorsFor } from './dialects';
import { fakeDeps, T0 } from './testing';

const TOKEN = 'a-control-token-of-32-characters';

/** Strings attackers and broken clients send. Each goes into every parameter, raw and encoded. */
const CORPUS = [
  "' OR 1=1 --",
  "'; DROP TABLE candles; --",
  '" OR ""="',
  '1 UNION SELECT * FROM system.users',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  '%',
  '%%',
  '%E0%A4%A',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  '99999999999999999999999',
  '0x1F',
  ' ',
  '',
  '😀🚀',
  'ＢＴＣＵＳＤＴ',
  'İSTANBUL',
  'ß',
  '\r\nX-Injected: 1',
  'A'.repeat(10_000),
  '1m'.repeat(500),
  '*/5 * * * *',
  '@hourly',
  'fbinance',
  'BTCUSDT',
  '1M',
  String(T0),
];

const TEMPLATES = [
  '/v1/{exchange}/aggtrade/pull/{symbol}/{interval}',
  '/v1/{exchange}/aggtrade/stop/{symbol}/{interval}',
  '/v1/{exchange}/aggtrade/scanner/kline/{symbol}/{interval}',
  '/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}',
  '/v1/{exchange}/exgate/kline/{symbol}/{interval}/{startTime}/{endTime}',
  '/v1/{exchange}/genkline/{symbol}/{interval}',
  '/v1/{exchange}/kline/{symbol}/{interval}',
  '/v1/{exchange}/recent/{symbol}',
  '/ws/v1/{exchange}/kline/{symbol}/{interval}',
  '/{exchange}/{symbol}',
];
const QUERY_KEYS = ['startTime', 'endTime', 'limit', 'timeZone', '__proto__', 'constructor', 'x'];
const VALID: Record<string, string> = {
  exchange: 'binance-usdm',
  symbol: 'BTCUSDT',
  interval: '1m',
  cron_interval: '5m',
  startTime: String(T0),
  endTime: String(T0 + 60_000),
};

const value = fc.oneof(
  fc.constantFrom(...CORPUS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
);
// Raw values are sent as-is where the URL syntax allows; encoding reaches every character. A
// backslash is always encoded: the test client parses URLs the WHATWG way, where "/\x" at the
// start is "//x", a host, and it throws before the request reaches the API.
const encoding = fc.constantFrom<'encoded' | 'raw'>('encoded', 'encoded', 'raw');

function put(text: string, how: 'encoded' | 'raw'): string {
  return how === 'encoded' ? encodeURIComponent(text) : text.replace(/[#?\s\\]/g, encodeURIComponent);
}

const request = fc.record({
  template: fc.constantFrom(...TEMPLATES),
  params: fc.dictionary(fc.constantFrom(...Object.keys(VALID)), fc.tuple(value, encoding)),
  query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), value, encoding), { maxLength: 5 }),
  auth: fc.option(fc.constantFrom(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, 'Bearer x', "Bearer ' OR 1=1 --", 'Basic Zm9v', ''), { nil: undefined }),
});

let app: FastifyInstance;
beforeAll(async () => {
  app = await createApi(fakeDeps(), { rateLimit: { enabled: false }, controlToken: TOKEN });
});
afterAll(() => app.close());

async function expectClientOrSuccess(url: string, authorization?: string): Promise<void> {
  const res = await app.inject({ method: 'GET', url, ...(authorization === undefined ? {} : { headers: { authorization } }) });
  if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${url.slice(0, 300)}: ${res.body.slice(0, 300)}`);
  expect(res.statusCode).toBeGreaterThanOrEqual(200);
  // A path that lands under a query dialect's prefix (/v2, /stream, ...) answers in that dialect's
  // words: services/api/src/dialects/fuzz.spec.ts holds those.
  let path = url;
  try {
    path = new URL(url, 'http://exgate').pathname;
  } catch {
    // the server sees what it sees
  }
  if (res.statusCode >= 400 && dialectErrorsFor(path) === undefined) {
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
    expect(typeof body['code']).toBe('number');
    expect(body['code']).not.toBe(0);
    expect(typeof body['message']).toBe('string');
    expect(Array.isArray(body['details'])).toBe(true);
  }
}

describe('fuzzing the API', () => {
  it('every corpus string in every parameter of every route: 2xx or 4xx with the error body, never 5xx', async () => {
    for (const template of TEMPLATES) {
      for (const name of [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)) {
        for (const bad of CORPUS) {
          for (const how of ['encoded', 'raw'] as const) {
            const path = template.replace(/\{(\w+)\}/g, (_, p: string) => (p === name ? put(bad, how) : (VALID[p] ?? p)));
            await expectClientOrSuccess(path, `Bearer ${TOKEN}`);
          }
        }
      }
      const path = template.replace(/\{(\w+)\}/g, (_, p: string) => VALID[p] ?? p);
      for (const key of QUERY_KEYS) {
        for (const bad of CORPUS) await expectClientOrSuccess(`${path}?${key}=${encodeURIComponent(bad)}`, `Bearer ${TOKEN}`);
      }
    }
  });

  it('random paths, parameters and query strings: 2xx or 4xx with the error body, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ template, params, query, auth }) => {
        const path = template.replace(/\{(\w+)\}/g, (_, p: string) => {
          const given = params[p];
          return given ? put(given[0], given[1]) : (VALID[p] ?? p);
        });
        const qs = query.map(([k, v, how]) => `${k}=${put(v, how)}`).join('&');
        await expectClientOrSuccess(qs === '' ? path : `${path}?${qs}`, auth);
      }),
      { numRuns: 1500 },
    );
  });
});
