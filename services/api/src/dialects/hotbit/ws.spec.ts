import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { eventually } from '@exgate/testing';
import { createApi } from '../../app';
import { fakeDeps } from '../../testing';

let app: FastifyInstance;
beforeAll(async () => {
  app = await createApi(fakeDeps(), { rateLimit: { enabled: false } });
  await app.ready();
});
afterAll(() => app.close());

/** Every message the socket receives, in order, gunzipped. */
function messages(ws: WebSocket): Record<string, unknown>[] {
  const got: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => got.push(JSON.parse(gunzipSync(data).toString('utf8')) as Record<string, unknown>));
  return got;
}

describe('HotBit websocket sessions', () => {
  it("answer a subscribe before the subscription's first push, every time", async () => {
    const ws = await app.injectWS('/v2/?exchange=binance-usdm');
    const got = messages(ws);
    const requests = ['deals.subscribe', 'price.subscribe', 'state.subscribe', 'today.subscribe'].flatMap((method) =>
      ['BTCUSDT', 'BTC/USDT', 'btcusdt'].map((market) => ({ method, params: [market] })),
    );
    for (const [i, r] of requests.entries()) {
      const from = got.length;
      ws.send(JSON.stringify({ ...r, id: i + 1 }));
      const push = r.method.replace('subscribe', 'update');
      await eventually(() => got.slice(from).some((m) => m['method'] === push), { what: `the first ${push}`, intervalMs: 1 });
      expect({ request: r, first: got[from] }).toEqual({ request: r, first: { error: null, result: { status: 'success' }, id: i + 1 } });
    }
    ws.terminate();
  });
});
