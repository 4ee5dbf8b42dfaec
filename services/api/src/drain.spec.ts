import type { AddressInfo } from 'node:net';
import type { Trade } from '@exgate/domain';
import { createApi } from './app';
import { fakeDeps, trade, T0 } from './testing';

describe('graceful stop', () => {
  it('a request in flight when close() starts still completes; requests arriving meanwhile get 503', async () => {
    const deps = fakeDeps();
    let release!: (trades: Trade[]) => void;
    const entered = new Promise<void>((resolveEntered) => {
      deps.trades.recent = () =>
        new Promise<Trade[]>((resolve) => {
          release = resolve;
          resolveEntered();
        });
    });
    const app = await createApi(deps, {});
    // Runs after the API's own preClose (hooks run in order), while the socket still accepts.
    let refusedDuringDrain!: Promise<Response>;
    const draining = new Promise<void>((resolve) =>
      app.addHook('preClose', async () => {
        refusedDuringDrain = fetch(`${base}/v1/binance-usdm/recent/ETHUSDT`);
        await refusedDuringDrain;
        resolve();
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const inFlight = fetch(`${base}/v1/binance-usdm/recent/BTCUSDT`);
    await entered;
    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });

    await draining;
    const refused = await refusedDuringDrain;
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      code: 14,
      message: 'the server is shutting down',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.000s' }],
    });

    // The listener is closed by now; close() still waits for the answer the request is owed.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);

    release([trade(7, T0)]);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ trade: [{ id: '7', time: String(T0), price: '64210.10', amount: '0.003', isBuyerMaker: false }] });
    await closing;
    expect(closed).toBe(true);
  });
});
