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

  it('beside them only the live websocket, the chart page and the operations routes exist', () => {
    expect(served.filter((r) => !r.includes(' /v1/')).sort()).toEqual([
      'GET /',
      'GET /chart/:file',
      'GET /healthz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /readyz',
      'GET /ws/v1/:exchange/kline/:symbol/:interval',
    ]);
  });
});
