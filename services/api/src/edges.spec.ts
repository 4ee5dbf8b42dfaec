import fc from 'fast-check';
import type { IntervalId } from '@exgate/domain';
import { MAX_STORED_TIME_MS } from '@exgate/store';
import { EXCHANGE, startHarness, type DialectHarness } from './dialects/testing/harness';
import { klineJson } from './mappers';
import { buildOpenApiDocument } from './openapi';
import { klineResponse, MAX_TIME_MS, recentResponse } from './schemas';

/**
 * Every parameter at its edges (issue 9 part 5), over the OpenAPI document: for each documented
 * parameter of each read route, values at the edges of what the document allows — 0, the largest
 * allowed value, equal bounds, a start equal to the end, ranges touching the first and the last
 * stored candle — on the real pipeline (recorded prints → aggregator → embedded ClickHouse). A
 * valid request must answer 200 with the documented body, and the stored route must answer exactly
 * what the store holds. Left out: the proxy (GetKline) and pull, which ask the exchange itself,
 * and stop, whose 4xx for a symbol not pulled is the answer; they have tests of their own.
 */
type Json = Record<string, unknown>;
interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: Json;
}

const ROUTES = [
  '/v1/{exchange}/exgate/kline/{symbol}/{interval}/{startTime}/{endTime}',
  '/v1/{exchange}/genkline/{symbol}/{interval}',
  '/v1/{exchange}/recent/{symbol}',
  '/v1/{exchange}/aggtrade/scanner/kline/{symbol}/{interval}',
  '/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}',
  // The Binance dialect's reads (docs/adr/0010), from the same stored candles and prints.
  '/fapi/v1/klines',
  '/fapi/v1/trades',
] as const;

const doc = buildOpenApiDocument() as { paths: Record<string, { get: { parameters: Parameter[] } }> };
const parametersOf = (route: string): Parameter[] => doc.paths[route]!.get.parameters;

/** The largest allowed `limit`, as the document states it ("1..1500"). */
function documentedMax(p: Parameter): number {
  const match = /1\.\.(\d+)/.exec(p.description ?? '');
  if (!match) throw new Error(`${p.name}: the document does not state its range`);
  return Number(match[1]);
}

let h: DialectHarness;
/** Open time of the first and last stored candle per interval. */
const stored = new Map<IntervalId, { first: number; last: number }>();
const INTERVALS: IntervalId[] = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'];

beforeAll(async () => {
  h = await startHarness();
  for (const interval of INTERVALS) {
    const q = { exchange: EXCHANGE, symbol: 'BTCUSDT', interval, fromMs: 0, toMs: MAX_STORED_TIME_MS, limit: 1 };
    const [first] = await h.store.candles(q);
    const [last] = await h.store.candles({ ...q, order: 'desc' });
    if (first && last) stored.set(interval, { first: first.openTimeMs, last: last.openTimeMs });
  }
}, 120_000);
afterAll(() => h?.close());

/** Edge values of a time for an interval: 0, the largest allowed, and around the stored candles. */
function timeEdges(interval: IntervalId): number[] {
  const s = stored.get(interval)!;
  return [0, 1, s.first - 1, s.first, s.first + 1, s.last - 1, s.last, s.last + 1, MAX_STORED_TIME_MS, MAX_TIME_MS];
}

/** A generator of valid values for one documented parameter (undefined: leave an optional one out). */
function edges(p: Parameter, interval: IntervalId): fc.Arbitrary<string | undefined> {
  const optional = <T>(a: fc.Arbitrary<T>) => (p.required ? a : fc.option(a, { nil: undefined }));
  switch (p.name) {
    case 'exchange':
      return fc.constantFrom(EXCHANGE, 'FBINANCE', 'Binance-USDM');
    case 'symbol':
      return fc.constantFrom('BTCUSDT', 'btcusdt');
    case 'interval':
      return fc.constant(interval);
    case 'startTime':
    case 'endTime':
      return optional(fc.constantFrom(...timeEdges(interval)).map(String));
    case 'limit':
      return optional(fc.constantFrom(1, 2, documentedMax(p) - 1, documentedMax(p)).map(String));
    case 'timeZone':
      return optional(fc.constantFrom('0', 'UTC', '+14:00', '-12:00', '+08:00', '05:45', '-1:00'));
    case 'cron_interval':
      return fc.constantFrom('1s', '1m', '7d', '1M', '@yearly', '59 23 31 12 *', '0 0 29 2 *');
    default:
      throw new Error(`no edge values for the documented parameter ${p.name}: add them`);
  }
}

interface Request {
  readonly route: string;
  readonly values: Readonly<Record<string, string | undefined>>;
}

function url({ route, values }: Request): string {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]!));
  const query = parametersOf(route)
    .filter((p) => p.in === 'query' && values[p.name] !== undefined)
    .map((p) => `${p.name}=${encodeURIComponent(values[p.name]!)}`);
  return query.length === 0 ? path : `${path}?${query.join('&')}`;
}

/** Valid requests: every documented parameter at an edge; a range's bounds in order (start ≤ end). */
const request: fc.Arbitrary<Request> = fc
  .tuple(fc.constantFrom(...ROUTES), fc.constantFrom(...INTERVALS))
  .chain(([route, interval]) =>
    fc.record(Object.fromEntries(parametersOf(route).map((p) => [p.name, edges(p, interval)]))).map((values) => {
      const v = { ...values } as Record<string, string | undefined>;
      if (v['startTime'] !== undefined && v['endTime'] !== undefined && Number(v['startTime']) > Number(v['endTime'])) {
        [v['startTime'], v['endTime']] = [v['endTime'], v['startTime']];
      }
      return { route, values: v };
    }),
  );

async function check(r: Request): Promise<void> {
  const res = await h.app.inject({ method: 'GET', url: url(r) });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} for ${url(r)}: ${res.body.slice(0, 300)}`);
  const v = r.values;
  const limit = Number(v['limit'] ?? 500);
  if (r.route.startsWith('/fapi/')) {
    const rows = res.json() as unknown[];
    expect(Array.isArray(rows)).toBe(true);
    expect(rows.length).toBeLessThanOrEqual(limit);
    if (r.route.endsWith('/trades')) expect(rows.length).toBe(Math.min(limit, h.prints['BTCUSDT']!.length));
    return;
  }
  if (r.route.includes('/recent/')) {
    const body = recentResponse.parse(res.json());
    expect(body.trade.length).toBe(Math.min(limit, h.prints['BTCUSDT']!.length));
    return;
  }
  if (!r.route.includes('kline/{symbol}/{interval}') || r.route.includes('scanner')) return;
  const body = klineResponse.parse(res.json());
  expect(body.kline.length).toBeLessThanOrEqual(limit);
  const opens = body.kline.map((k) => k.open_time);
  expect(opens).toEqual([...opens].sort((a, b) => a - b));
  if (v['startTime'] !== undefined) expect(opens.every((t) => t >= Number(v['startTime']))).toBe(true);
  if (v['endTime'] !== undefined) expect(opens.every((t) => t <= Number(v['endTime']))).toBe(true);
  if (r.route.includes('/exgate/kline/') && v['timeZone'] === undefined) {
    // The stored route, from memory or stitched: exactly the store's answer.
    const fromMs = Number(v['startTime']);
    const fromStore = fromMs > MAX_STORED_TIME_MS ? [] : await h.store.candles({
      exchange: EXCHANGE, symbol: 'BTCUSDT', interval: v['interval'] as IntervalId, fromMs, toMs: Math.min(Number(v['endTime']), MAX_STORED_TIME_MS), limit,
    });
    expect(res.body).toBe(JSON.stringify({ kline: fromStore.map(klineJson) }));
  }
}

describe('every parameter of every read route at its edges (over the OpenAPI document)', () => {
  it('names the edges: start = end on the first and last stored candle, 0 and the largest time, the largest limit', async () => {
    const stored1m = () => stored.get('1m')!;
    const route = ROUTES[0];
    const base = { exchange: EXCHANGE, symbol: 'BTCUSDT', interval: '1m' };
    for (const [start, end] of [
      [stored1m().first, stored1m().first], [stored1m().last, stored1m().last], [0, 0], [0, MAX_TIME_MS],
      [MAX_TIME_MS, MAX_TIME_MS], [0, stored1m().first], [stored1m().last, MAX_TIME_MS], [stored1m().first - 1, stored1m().first - 1],
    ] as const) {
      for (const limit of ['1', '1500', undefined]) {
        await check({ route, values: { ...base, startTime: String(start), endTime: String(end), limit } });
      }
    }
    for (const interval of INTERVALS) {
      for (const extreme of [{ startTime: String(MAX_TIME_MS) }, { endTime: '0' }, { startTime: '0', endTime: String(MAX_TIME_MS), limit: '1500' }]) {
        await check({ route: ROUTES[1], values: { ...base, interval, ...extreme } });
      }
    }
  }, 300_000);

  it('random valid requests at the edges: 200 with the documented body, never a 4xx or 5xx (property)', async () => {
    await fc.assert(fc.asyncProperty(request, check), { numRuns: 150 });
  }, 600_000);
});
