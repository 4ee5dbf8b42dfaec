import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { createApi } from './app';
import { T0, candle, fakeDeps, type FakeDeps } from './testing';
import { klineSchema } from './schemas';

let deps: FakeDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = fakeDeps();
  app = await createApi(deps, {});
  await app.ready();
});
afterEach(() => app.close());

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

describe('live candles over websocket', () => {
  const SERIES = 'binance-usdm:BTCUSDT:1m';

  it('pushes every update of the series as a kline object with its state', async () => {
    const ws = await app.injectWS('/ws/v1/fbinance/kline/btcusdt/1m');
    expect(deps.liveSubscribers(SERIES)).toBe(1);

    const forming = nextMessage(ws);
    deps.emit(SERIES, candle('1m', T0, { state: 'forming', version: 1, close: '64200.00' }));
    expect(await forming).toMatchObject({ open_time: T0, close: '64200.00', state: 'forming', version: 1 });

    const closedCandle = nextMessage(ws);
    deps.emit(SERIES, candle('1m', T0, { state: 'closed', version: 2 }));
    const message = await closedCandle;
    expect(klineSchema.strict().parse(message)).toEqual(message);
    expect(message).toMatchObject({ state: 'closed', version: 2, first_trade_id: '5000000001' });

    const gone = closed(ws);
    ws.terminate();
    await gone;
    await waitUntil(() => deps.liveSubscribers(SERIES) === 0);
  });

  it('refuses a bad series before upgrading, with the HTTP error', async () => {
    await expect(app.injectWS('/ws/v1/binance-usdm/kline/BTCUSDT/1s')).rejects.toThrow('Unexpected server response: 400');
    await expect(app.injectWS('/ws/v1/nope/kline/BTCUSDT/1m')).rejects.toThrow('Unexpected server response: 400');
    expect(deps.liveSubscribers(SERIES)).toBe(0);
  });

  it('a plain GET on the websocket route says to upgrade (400 with the error body)', async () => {
    const res = await app.inject({ url: '/ws/v1/binance-usdm/kline/BTCUSDT/1m' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 3, message: 'this route is a websocket: connect with an Upgrade request', details: [] });
  });

  it('closing the server closes live sockets and drops their subscriptions', async () => {
    const ws = await app.injectWS('/ws/v1/binance-usdm/kline/BTCUSDT/1m');
    const gone = closed(ws);
    await app.close();
    await gone;
    await waitUntil(() => deps.liveSubscribers(SERIES) === 0);
  });
});

/** The server side sees a close a few ticks after the client: poll the event loop, not a clock. */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}
