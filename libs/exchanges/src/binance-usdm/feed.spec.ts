import { once } from 'node:events';
import type { TradeKind } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { ExchangeFeed, type ExchangeFeedOptions } from '../common/feed';
import { FeedProbe } from '../testing/feed-probe';
import { createParseFrame } from '../binance/mapper';
import { binanceProtocol } from '../binance/protocol';
import { SYMBOL_PATTERN, USDM } from './constants';
import { BinanceUsdmSimulator, type SimulatorOptions } from './simulator';

const parseFrame = createParseFrame(USDM);
const binanceUsdmProtocol = binanceProtocol(USDM);

const aggTrades2026 = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl');
const btcTrades = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const ethTrades = fixtureLines('binance', 'usdm-trades-2024-07-18', 'ethusdt-trade-stream.jsonl').slice(0, 2000);

let sim: BinanceUsdmSimulator;
let feed: ExchangeFeed;
let probe: FeedProbe;

type FeedTweaks = Partial<ExchangeFeedOptions> & { kind?: TradeKind; maxStreamsPerConnection?: number };

/** The shared feed on Binance's protocol, as the module builds it, with test timings. */
async function setup(simOptions: SimulatorOptions, { maxStreamsPerConnection, ...feedOptions }: FeedTweaks = {}): Promise<void> {
  sim = await BinanceUsdmSimulator.start(simOptions);
  probe = new FeedProbe();
  const limits = { ...binanceUsdmProtocol.limits, ...(maxStreamsPerConnection ? { maxStreamsPerConnection } : {}) };
  feed = new ExchangeFeed({
    protocol: { ...binanceUsdmProtocol, limits }, kind: 'aggTrade', symbolPattern: SYMBOL_PATTERN, dedupeBy: 'id',
    clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, events: probe,
    minBackoffMs: 20, maxBackoffMs: 200, ...feedOptions,
  });
}

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

/** Ids in order, no repeats, no holes. */
function expectContiguous(ids: readonly number[]): void {
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
}

describe('BinanceUsdmFeed against the simulator', () => {
  it('receives every recorded aggTrade over the routed /market path, values intact', async () => {
    await setup({ recordings: { BTCUSDT: { aggTrade: aggTrades2026 } } });
    const connected = once(sim, 'connection');
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    const [{ url }] = (await connected) as [{ url: string }];
    expect(url).toBe('/market/stream?streams=btcusdt@aggTrade');
    await probe.until('all 228 aggTrades', () => probe.trades.length === aggTrades2026.length);
    const expected = aggTrades2026.map((l) => parseFrame(l, Date.now())).flatMap((r) => (r.type === 'trades' ? r.trades : []));
    expect(probe.trades.map(({ receivedAtMs: _r, ...t }) => t)).toEqual(expected.map(({ receivedAtMs: _r, ...t }) => t));
    expect(probe.trades.every((t) => t.receivedAtMs >= t.eventTimeMs - 60 * 60 * 1000)).toBe(true);
    expect(probe.statuses.slice(0, 2)).toEqual([
      { state: 'connecting', connection: 'binance-usdm/aggTrade#1', url: `${sim.wsBaseUrl}/market/stream?streams=btcusdt@aggTrade`, attempt: 1 },
      { state: 'connected', connection: 'binance-usdm/aggTrade#1', url: `${sim.wsBaseUrl}/market/stream?streams=btcusdt@aggTrade`, symbols: ['BTCUSDT'] },
    ]);
  });

  it('pulls the raw trade stream over /public when the feed kind is trade', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 1500) } } }, { kind: 'trade' });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('1500 trades', () => probe.trades.length === 1500);
    expect(probe.statuses[0]).toMatchObject({ url: `${sim.wsBaseUrl}/public/stream?streams=btcusdt@trade` });
    expectContiguous(probe.ids('BTCUSDT'));
    expect(probe.trades[0]).toMatchObject({ kind: 'trade', id: 5182005737, price: '63943.90', qty: '0.003' });
  });

  it('adds a symbol on a live connection with SUBSCRIBE and removes one with UNSUBSCRIBE', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 500) }, ETHUSDT: { trade: ethTrades } } });
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    const subscribed = once(sim, 'subscribe');
    await feed.subscribe(['ETHUSDT']);
    expect((await subscribed)[0]).toMatchObject({ streams: ['ethusdt@aggTrade'] });
    expect(sim.subscriptions()).toEqual([['btcusdt@aggTrade', 'ethusdt@aggTrade']]);
    sim.resume();
    await sim.drained(['BTCUSDT', 'ETHUSDT']);
    await probe.until('every ETH aggTrade', () => probe.ids('ETHUSDT').length === sim.printedIds('ETHUSDT', 'aggTrade').length);
    expectContiguous(probe.ids('ETHUSDT'));

    await feed.unsubscribe(['ETHUSDT']);
    expect(sim.subscriptions()).toEqual([['btcusdt@aggTrade']]);
    expect(feed.symbols).toEqual(new Set(['BTCUSDT']));
    expect(probe.statuses.filter((s) => s.state === 'disconnected')).toEqual([]);
  });

  it('reconnects after a dropped connection and resubscribes every symbol', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 800) }, ETHUSDT: { trade: ethTrades } } });
    sim.pause();
    await feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    sim.dropConnections();
    await probe.until('reconnected', () => probe.count('connected') === 2);
    const drop = probe.statuses.find((s) => s.state === 'disconnected');
    expect(drop).toMatchObject({ symbols: ['BTCUSDT', 'ETHUSDT'], retryInMs: expect.any(Number) });
    expect(sim.subscriptions()).toEqual([['btcusdt@aggTrade', 'ethusdt@aggTrade']]);
    sim.resume();
    await sim.drained();
    await probe.until('all prints', () =>
      probe.ids('BTCUSDT').length === sim.printedIds('BTCUSDT', 'aggTrade').length
      && probe.ids('ETHUSDT').length === sim.printedIds('ETHUSDT', 'aggTrade').length);
    expectContiguous(probe.ids('BTCUSDT'));
    expectContiguous(probe.ids('ETHUSDT'));
  });

  it('shows frames lost on the way as an id gap for the collector to backfill', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 300) } } });
    sim.skipNext(3, { symbol: 'BTCUSDT', kind: 'aggTrade' });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await sim.drained();
    const printed = sim.printedIds('BTCUSDT', 'aggTrade');
    await probe.until('the rest', () => probe.ids('BTCUSDT').length === printed.length - 3);
    expect(probe.ids('BTCUSDT')).toEqual(printed.slice(3));
    expect(sim.sentIds('BTCUSDT', 'aggTrade')).toEqual(printed.slice(3));
  });

  it('reconnects when the connection goes silent, and prints flow again', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades } }, pace: { speed: 20 } }, { silenceTimeoutMs: 400 });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('first prints', () => probe.trades.length >= 10);
    sim.silence(30_000);
    const before = probe.trades.length;
    await probe.until('reconnected', () => probe.count('connected') === 2);
    expect(probe.statuses.find((s) => s.state === 'disconnected')).toMatchObject({ reason: 'silence: no frame for 400 ms' });
    await probe.until('prints after the reconnect', () => probe.trades.length >= before + 10);
    const ids = probe.ids('BTCUSDT');
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reconnects when a ping gets no pong', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 10) } } }, { pingIntervalMs: 50, pongTimeoutMs: 150, silenceTimeoutMs: 60_000 });
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    sim.silence(30_000);
    await probe.until('dropped', () => probe.count('disconnected') === 1);
    expect(probe.statuses.find((s) => s.state === 'disconnected')).toMatchObject({ reason: 'no pong within 150 ms' });
    await probe.until('reconnected', () => probe.count('connected') === 2);
  });

  it('stays connected while every ping gets its pong', async () => {
    // Pings 300 ms apart: within Binance's outgoing limit (5 a second here), so none waits for a slot.
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 10) } } }, { pingIntervalMs: 300, pongTimeoutMs: 400, silenceTimeoutMs: 60_000 });
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    // Five pings: a pong not taken would drop the connection 400 ms after the first.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(probe.statuses.filter((s) => s.state === 'disconnected')).toEqual([]);
    expect(probe.count('connected')).toBe(1);
  });

  it("answers the server's pings", async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 10) } }, pingIntervalMs: 50 });
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await once(sim, 'pong');
    expect(sim.stats.pongsReceived).toBeGreaterThan(0);
  });

  it('rotates before the server cuts the connection, overlapping, with no gap and no duplicate', async () => {
    await setup(
      { recordings: { BTCUSDT: { trade: btcTrades } }, pace: { speed: 20 }, maxConnectionAgeMs: 1500 },
      { maxConnectionAgeMs: 500, rotationOverlapMs: 150 },
    );
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('three rotations', () => sim.stats.connectionsOpened >= 4 && probe.trades.length > 0, 20_000);
    const ids = probe.ids('BTCUSDT');
    expect(probe.statuses.filter((s) => s.state === 'disconnected')).toEqual([]);
    expectContiguous(ids);
    expect(ids[0]).toBe(sim.printedIds('BTCUSDT', 'aggTrade')[0]);
    // The overlaps really carried prints twice: the feed dropped the copies.
    expect(sim.stats.framesSent).toBeGreaterThan(sim.sentIds('BTCUSDT', 'aggTrade').length);
  });

  it('spreads symbols over connections of at most maxStreamsPerConnection streams', async () => {
    await setup({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 10) }, ETHUSDT: { trade: ethTrades.slice(0, 10) } } }, { maxStreamsPerConnection: 1 });
    sim.pause();
    await feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    feed.start();
    await probe.until('two connections', () => probe.count('connected') === 2);
    expect(sim.subscriptions().sort()).toEqual([['btcusdt@aggTrade'], ['ethusdt@aggTrade']]);
    expect(new Set(probe.statuses.map((s) => s.connection))).toEqual(new Set(['binance-usdm/aggTrade#1', 'binance-usdm/aggTrade#2']));
  });

  it('says the exchange is unreachable and keeps retrying with growing backoff', async () => {
    await setup({ recordings: {} }, { minBackoffMs: 10, maxBackoffMs: 80 });
    await sim.close();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('three attempts', () => probe.count('disconnected') >= 3);
    const attempts = probe.statuses.filter((s) => s.state === 'connecting').map((s) => (s.state === 'connecting' ? s.attempt : 0));
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    const down = probe.statuses.find((s) => s.state === 'disconnected');
    expect(down).toMatchObject({ reason: expect.stringMatching(/ECONNREFUSED/), retryInMs: expect.any(Number) });
  });
});
