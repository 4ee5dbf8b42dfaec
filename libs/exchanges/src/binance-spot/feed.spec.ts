import { once } from 'node:events';
import { requireExchange } from '../registry';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { BinanceSimulator } from '../binance/simulator';
import { FeedProbe } from '../testing/feed-probe';
import type { TradeFeed } from '../types';
import { SPOT } from './constants';

const spotTrades = fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl');

let sim: BinanceSimulator;
let feed: TradeFeed;

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

function spotFeed(probe: FeedProbe, restBaseUrl = sim.restBaseUrl) {
  const adapter = requireExchange('binance-spot').create({ clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, restBaseUrl });
  return { adapter, feed: adapter.createFeed({ events: probe, minBackoffMs: 20, maxBackoffMs: 200 }) };
}

describe('binance-spot against a spot simulator', () => {
  it('collects raw trades over the unrouted combined stream, every id once, labelled binance-spot', async () => {
    sim = await BinanceSimulator.start(SPOT, { recordings: { BTCUSDT: { trade: spotTrades.slice(0, 1500) } } });
    const probe = new FeedProbe();
    ({ feed } = spotFeed(probe));
    const connected = once(sim, 'connection');
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    expect(((await connected) as [{ url: string }])[0].url).toBe('/stream?streams=btcusdt@trade');
    await probe.until('1500 trades', () => probe.trades.length === 1500);
    const ids = probe.ids('BTCUSDT');
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(probe.trades[0]).toMatchObject({ exchange: 'binance-spot', kind: 'trade', market: true });
  });

  it('takes serverShutdown as a planned reconnect: a successor connection, no disconnection, no gap', async () => {
    sim = await BinanceSimulator.start(SPOT, { recordings: { BTCUSDT: { trade: spotTrades.slice(0, 4000) } }, pace: { speed: 40 } });
    const probe = new FeedProbe();
    ({ feed } = spotFeed(probe));
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('some trades', () => probe.trades.length > 100);
    sim.sendRaw(JSON.stringify({ e: 'serverShutdown', E: Date.now() }));
    await probe.until('a second connection carrying trades', () => sim.stats.connectionsOpened >= 2 && sim.openConnections === 1, 20_000);
    await sim.drained();
    await probe.until('every printed trade', () => probe.trades.length === sim.printedIds('BTCUSDT', 'trade').length, 20_000);
    expect(probe.count('disconnected')).toBe(0);
    expect(probe.ids('BTCUSDT')).toEqual(sim.printedIds('BTCUSDT', 'trade'));
    expect(probe.rejections).toEqual([]);
  });

  it('backfills raw trades by id without a key (historicalTrades) and proxies /api/v3 klines', async () => {
    sim = await BinanceSimulator.start(SPOT, { recordings: { BTCUSDT: { trade: spotTrades } }, restHistory: 'all' });
    const { adapter } = spotFeed(new FeedProbe());
    feed = adapter.createFeed({ events: new FeedProbe() });
    const first = sim.timeline('BTCUSDT').find((p) => p.kind === 'trade')!;
    const page = await adapter.rest.tradesFromId('BTCUSDT', first.id + 10, 500);
    expect(page.map((t) => t.id)).toEqual(Array.from({ length: 500 }, (_, i) => first.id + 10 + i));
    expect(page[0]).toMatchObject({ exchange: 'binance-spot', kind: 'trade' });
    const klines = await adapter.rest.klines({ symbol: 'BTCUSDT', interval: '1m', limit: 3 });
    expect(klines).toHaveLength(3);
    expect(sim.stats.restStatuses).toEqual({ 200: 2 });
    expect(await adapter.rest.hasSymbol('BTCUSDT')).toBe(true);
    expect(await adapter.rest.hasSymbol('ETHBTC')).toBe(false);
  });
});
