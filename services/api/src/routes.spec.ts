import type { FastifyInstance } from 'fastify';
import { protoRoutes, toFastifyPath } from '@exgate/proto';
import { createApi } from './app';
import { fakeDeps } from './testing';
import { ROUTES } from './routes';

describe('the API serves exactly the proto’s routes', () => {
  let app: FastifyInstance;
  let served: string[];

  beforeAll(async () => {
    app = await createApi(fakeDeps(), {});
    await app.ready();
    // Every route fastify registered, as `METHOD path`, from its router's own listing: a tree whose
    // lines hold the path below their parent's (`└── / (GET)`, then `    ├── v1/exchanges (GET)`).
    const parents: string[] = [];
    served = [...app.printRoutes({ commonPrefix: false }).matchAll(/^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/gm)].flatMap((m) => {
      const depth = (m[1] as string).length / 4;
      const path = `${depth === 0 ? '' : parents[depth - 1]}${m[2]}`;
      parents[depth] = path;
      return m[3] ? m[3].split(', ').map((method) => `${method} ${path}`) : [];
    });
  });
  afterAll(() => app.close());

  it('the route table is the Kline service of proto/exgate/v1/kline.proto, rpc for rpc', () => {
    const fromProto = protoRoutes().map((r) => ({ rpc: r.rpc, path: r.path }));
    expect(fromProto).toHaveLength(8);
    expect(ROUTES.map((r) => ({ rpc: r.rpc, path: r.path }))).toEqual(fromProto);
  });

  it('fastify’s /v1 routes are exactly the proto’s eight plus the catalog of exchanges, GET only', () => {
    const expected = [...protoRoutes().map((r) => `GET ${toFastifyPath(r.path)}`), 'GET /v1/exchanges'];
    expect(served.filter((r) => r.includes(' /v1/')).sort()).toEqual(expected.sort());
  });

  it('beside them only the live websocket, the chart page, the operations routes and the query dialects exist', () => {
    expect(served.filter((r) => !r.includes(' /v1/')).sort()).toEqual([
      'GET /',
      'GET /api/v1/candles',
      'GET /api/v1/instruments/:instrument/candles',
      'GET /api/v3/aggTrades',
      'GET /api/v3/exchangeInfo',
      'GET /api/v3/klines',
      'GET /api/v3/ping',
      'GET /api/v3/time',
      'GET /api/v3/trades',
      'GET /chart/:file',
      'GET /dapi/v1/exchangeInfo',
      'GET /dapi/v1/ping',
      'GET /dapi/v1/time',
      'GET /fapi/v1/aggTrades',
      'GET /fapi/v1/exchangeInfo',
      'GET /fapi/v1/klines',
      'GET /fapi/v1/ping',
      'GET /fapi/v1/time',
      'GET /fapi/v1/trades',
      'GET /fstream/:category/stream',
      'GET /fstream/:category/ws',
      'GET /fstream/:category/ws*',
      'GET /fstream/stream',
      'GET /fstream/ws',
      'GET /fstream/ws*',
      'GET /healthz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /readyz',
      'GET /stream/stream',
      'GET /stream/ws',
      'GET /stream/ws*',
      'GET /v2',
      'GET /v2/p1/allticker',
      'GET /v2/p1/market.deals',
      'GET /v2/p1/market.kline',
      'GET /v2/p1/market.last',
      'GET /v2/p1/market.list',
      'GET /v2/p1/market.status',
      'GET /v2/p1/market.status24h',
      'GET /v2/p1/market.status_today',
      'GET /v2/p1/market.summary',
      'GET /v2/p1/server.time',
      'GET /ws/v1/:exchange/kline/:symbol/:interval',
    ]);
    for (const url of ['/v2/p1/market.status_today', '/v2/p1/market.status24h', '/fstream/ws/*', '/stream/ws/*']) {
      expect(app.hasRoute({ method: 'GET', url })).toBe(true);
    }
  });
});
