import type { FastifyInstance } from 'fastify';
import { createApi } from './app';
import { catalogResponse } from './catalog';
import { FUTURES, SPOT, fakeDeps, type FakeDeps } from './testing';

let deps: FakeDeps;
let app: FastifyInstance;

beforeEach(async () => {
  deps = fakeDeps({ listed: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
  app = await createApi(deps, {});
});
afterEach(() => app.close());

const exchanges = async () => {
  const res = await app.inject({ url: '/v1/exchanges' });
  expect(res.statusCode).toBe(200);
  return catalogResponse.strict().parse(res.json()).exchanges;
};

describe('GET /v1/exchanges: what this exgate collects (the chart’s pickers)', () => {
  it('lists every enabled exchange with its intervals, nothing pulled yet', async () => {
    expect(await exchanges()).toEqual([
      { id: 'binance-usdm', aliases: ['fbinance'], name: FUTURES.displayName, intervals: [...FUTURES.intervals], symbols: [] },
      { id: 'binance-spot', aliases: [], name: SPOT.displayName, intervals: [...SPOT.intervals], symbols: [] },
    ]);
  });

  it('follows pull and stop: the symbols pulled on each exchange, sorted', async () => {
    for (const symbol of ['SOLUSDT', 'btcusdt', 'ETHUSDT']) {
      expect((await app.inject({ url: `/v1/fbinance/aggtrade/pull/${symbol}/1m` })).statusCode).toBe(200);
    }
    expect((await app.inject({ url: '/v1/binance-spot/aggtrade/pull/ETHUSDT/1s' })).statusCode).toBe(200);
    expect((await exchanges()).map((e) => [e.id, e.symbols])).toEqual([
      ['binance-usdm', ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']],
      ['binance-spot', ['ETHUSDT']],
    ]);

    expect((await app.inject({ url: '/v1/binance-usdm/aggtrade/stop/ETHUSDT/1m' })).statusCode).toBe(200);
    expect((await exchanges()).map((e) => [e.id, e.symbols])).toEqual([
      ['binance-usdm', ['BTCUSDT', 'SOLUSDT']],
      ['binance-spot', ['ETHUSDT']],
    ]);
  });

  it('leaves out pulls of an exchange that is not enabled here', async () => {
    deps.pulled.add('okx:BTC-USDT');
    expect((await exchanges()).map((e) => e.id)).toEqual(['binance-usdm', 'binance-spot']);
  });
});
