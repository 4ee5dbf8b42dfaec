import { once } from 'node:events';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { ExchangeFeed, type ExchangeFeedOptions } from '../common/feed';
import { FeedProbe } from '../testing/feed-probe';
import { SYMBOL_PATTERN } from './constants';
import { hotbitProtocol } from './protocol';
import { HotbitSimulator, hotbitFramesFromBinance, type HotbitSimulatorOptions } from './simulator';

const dir = ['binance', 'usdm-trades-2024-07-18'] as const;
const btc = fixtureLines(...dir, 'btcusdt-trade-stream.jsonl');
const eth = fixtureLines(...dir, 'ethusdt-trade-stream.jsonl');
/** Real Binance prints re-encoded as HotBit pushes: the volume HotBit itself left no record of. */
const volume = hotbitFramesFromBinance([...btc.slice(0, 1500), ...eth.slice(0, 1500)]);

let sim: HotbitSimulator;
let feed: ExchangeFeed;
let probe: FeedProbe;

async function setup(simOptions: Partial<HotbitSimulatorOptions>, feedOptions: Partial<ExchangeFeedOptions> = {}): Promise<void> {
  sim = await HotbitSimulator.start({ frames: volume, ...simOptions });
  probe = new FeedProbe();
  feed = feedOf(probe, feedOptions);
}

function feedOf(events: FeedProbe, options: Partial<ExchangeFeedOptions> = {}): ExchangeFeed {
  return new ExchangeFeed({
    protocol: hotbitProtocol, kind: 'trade', symbolPattern: SYMBOL_PATTERN, dedupeBy: 'id',
    clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, events,
    minBackoffMs: 20, maxBackoffMs: 200, ...options,
  });
}

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

const timelineIds = (market: string): number[] => sim.timeline(market).map((d) => d.id);

/** Strictly ascending: no repeat, in order. */
function expectAscending(ids: readonly number[]): void {
  expect(ids.length).toBeGreaterThan(0);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
}

describe('HotBit feed against the simulator', () => {
  it('subscribes over /v2/, reads gzip binary pushes, and receives every deal with its values', async () => {
    await setup({});
    const subscribed = once(sim, 'subscribe');
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    expect((await subscribed)[0]).toMatchObject({ markets: ['BTCUSDT'] });
    await sim.drained(['BTCUSDT']);
    await probe.until('every BTCUSDT deal', () => probe.ids('BTCUSDT').length === sim.timeline('BTCUSDT').length);
    expect(probe.ids('BTCUSDT')).toEqual(timelineIds('BTCUSDT'));
    expect(probe.trades.map((t) => [t.price, t.qty, t.exchangeTimeMs, t.isBuyerMaker])).toEqual(
      sim.timeline('BTCUSDT').map((d) => [d.price, d.amount, d.eventTimeMs, d.type === 'sell']),
    );
    expect(probe.trades[0]).toMatchObject({ exchange: 'hotbit', symbol: 'BTCUSDT', kind: 'trade', price: '63943.90', qty: '0.003', exchangeTimeMs: 1721347022956 });
    expect(probe.statuses.slice(0, 2)).toEqual([
      { state: 'connecting', connection: 'hotbit/trade#1', url: sim.wsBaseUrl, attempt: 1 },
      { state: 'connected', connection: 'hotbit/trade#1', url: sim.wsBaseUrl, symbols: ['BTCUSDT'] },
    ]);
    expect(probe.rejections).toEqual([]);
  });

  it('sends the whole market list on every change (deals.subscribe replaces it) and drops the repeated latest deals', async () => {
    await setup({});
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    const added = once(sim, 'subscribe');
    await feed.subscribe(['ETHUSDT']);
    expect((await added)[0]).toMatchObject({ markets: ['BTCUSDT', 'ETHUSDT'] });
    sim.resume();
    await sim.drained();
    await probe.until('every deal of both', () =>
      probe.ids('BTCUSDT').length === sim.timeline('BTCUSDT').length && probe.ids('ETHUSDT').length === sim.timeline('ETHUSDT').length);

    const removed = once(sim, 'subscribe');
    const repeated = once(sim, 'latest');
    await feed.unsubscribe(['ETHUSDT']);
    expect((await removed)[0]).toMatchObject({ markets: ['BTCUSDT'] });
    expect(sim.subscriptions()).toEqual([['BTCUSDT']]);
    // The deals.subscribe re-sent BTCUSDT's latest 100 deals, all of which the feed had: dropped.
    expect((await repeated)[0]).toMatchObject({ market: 'BTCUSDT', count: 100 });
    await sim.drained();
    expect(probe.ids('BTCUSDT')).toEqual(timelineIds('BTCUSDT'));
    expect(probe.ids('ETHUSDT')).toEqual(timelineIds('ETHUSDT'));
    expect(probe.count('disconnected')).toBe(0);
  });

  it('pings with server.ping and counts each pong as proof of life', async () => {
    await setup({}, { pingIntervalMs: 50 });
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await once(sim, 'ping');
    await probe.until('alive', () => probe.count('alive') >= 2);
    expect(probe.statuses.find((s) => s.state === 'alive')).toMatchObject({ connection: 'hotbit/trade#1', symbols: ['BTCUSDT'] });
  });

  it('reconnects when a ping gets no pong, and resubscribes', async () => {
    await setup({}, { pingIntervalMs: 50, pongTimeoutMs: 150 });
    sim.pause();
    await feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    sim.silence(30_000);
    await probe.until('reconnected', () => probe.count('connected') === 2);
    expect(probe.statuses.find((s) => s.state === 'disconnected')).toMatchObject({ reason: 'no pong within 150 ms', symbols: ['BTCUSDT', 'ETHUSDT'] });
    await probe.until('resubscribed', () => sim.subscriptions().some((m) => m.length === 2));
  });

  it('after a dropped connection resubscribes every market and goes on without a repeat', async () => {
    await setup({ pace: { speed: 10 } });
    await feed.subscribe(['BTCUSDT', 'ETHUSDT']);
    feed.start();
    await probe.until('first deals', () => probe.trades.length >= 50);
    sim.dropConnections();
    await probe.until('reconnected', () => probe.count('connected') === 2);
    expect(probe.statuses.find((s) => s.state === 'disconnected')).toMatchObject({ symbols: ['BTCUSDT', 'ETHUSDT'], retryInMs: expect.any(Number) });
    const before = probe.trades.length;
    await probe.until('deals after the reconnect', () => probe.trades.length >= before + 50, 20_000);
    expectAscending(probe.ids('BTCUSDT'));
    expectAscending(probe.ids('ETHUSDT'));
  });

  it('rejects and counts a binary frame that is not gzip, and a malformed push, and goes on', async () => {
    await setup({});
    sim.pause();
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('connected', () => probe.count('connected') === 1);
    await once(sim, 'subscribe');
    sim.sendRawBytes(Buffer.from('{"method":"deals.update"}'));
    sim.sendRaw('{"method":"deals.update","params":["BTCUSDT",[{"id":1,"time":1721347022.956,"price":"-1","amount":"1","type":"buy"}]],"id":null}');
    sim.sendRaw('{"method":"deals.upd');
    await probe.until('three rejections', () => probe.rejections.length === 3);
    expect(probe.rejections.map((r) => r.kind)).toEqual(['undecodable', 'bad_decimal', 'invalid_json']);
    expect(probe.rejections[0]!.reason).toMatch(/^binary frame not decoded: /);
    expect(probe.statuses.filter((st) => st.state === 'unread').map((st) => st.state === 'unread' && [st.kind, st.symbols])).toEqual([
      ['undecodable', ['BTCUSDT']], ['bad_decimal', ['BTCUSDT']], ['invalid_json', ['BTCUSDT']],
    ]);
    sim.resume();
    await sim.drained(['BTCUSDT']);
    await probe.until('every deal', () => probe.ids('BTCUSDT').length === sim.timeline('BTCUSDT').length);
    expect(probe.count('disconnected')).toBe(0);
  });

  it('a push that arrives cut short is an unread loss on its connection; the gateway keeps its deals for the next subscriber', async () => {
    await setup({ pace: { speed: 4 } });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('first deals', () => probe.trades.length >= 20);
    sim.garbleNext(1, { symbol: 'BTCUSDT' });
    await probe.until('an unreadable push', () => probe.count('unread') === 1);
    const before = probe.trades.length;
    await probe.until('a push after it', () => probe.trades.length > before);
    sim.pause();
    expect(probe.rejections.map((r) => r.kind)).toEqual(['invalid_json']);
    expect(probe.count('disconnected')).toBe(0);
    // The garbled push's deals are missing on this connection and from what the gateway counts as sent.
    const got = probe.ids('BTCUSDT');
    const missing = timelineIds('BTCUSDT').filter((id) => id > got[0]! && id < got.at(-1)! && !got.includes(id));
    expect(missing.length).toBeGreaterThan(0);
    expect(sim.sentIds('BTCUSDT', 'trade').filter((id) => missing.includes(id))).toEqual([]);
    // A subscriber after it gets them in its first push: the exchange printed them.
    const late = new FeedProbe();
    const second = feedOf(late);
    try {
      await second.subscribe(['BTCUSDT']);
      second.start();
      await late.until('the latest deals', () => late.trades.length > 0);
      expect(late.ids('BTCUSDT')).toEqual(expect.arrayContaining(missing));
    } finally {
      await second.stop();
    }
  });

  it('rotates when asked to, overlapping, without a repeat', async () => {
    await setup({ pace: { speed: 10 } }, { maxConnectionAgeMs: 400, rotationOverlapMs: 150 });
    let repeats = 0;
    sim.on('latest', ({ count }: { count: number }) => {
      repeats += count;
    });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('three rotations', () => sim.stats.connectionsOpened >= 4 && probe.trades.length > 0, 20_000);
    expect(probe.count('disconnected')).toBe(0);
    expectAscending(probe.ids('BTCUSDT'));
    expect(probe.ids('BTCUSDT')[0]).toBe(timelineIds('BTCUSDT')[0]);
    // Each successor got the latest deals again: the feed dropped the copies.
    expect(repeats).toBeGreaterThan(0);
  });

  it('loses, as HotBit did, the older deals of a half second with more than 100: ids cannot show it', async () => {
    const frames = hotbitFramesFromBinance(btc);
    await setup({ frames, dealsPerPush: 100 });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await sim.drained();
    const sent = () => sim.sentIds('BTCUSDT', 'trade');
    await probe.until('every deal sent', () => probe.ids('BTCUSDT').length === sent().length && sent().at(-1) === timelineIds('BTCUSDT').at(-1));
    expect(probe.ids('BTCUSDT')).toEqual(sent());
    const received = new Set(sent());
    const perWindow = new Map<number, number>();
    for (const d of sim.timeline('BTCUSDT')) perWindow.set(Math.floor(d.eventTimeMs / 500), (perWindow.get(Math.floor(d.eventTimeMs / 500)) ?? 0) + 1);
    const lost = sim.timeline('BTCUSDT').filter((d) => !received.has(d.id));
    expect(lost.length).toBeGreaterThan(0);
    // Only busy half seconds lose deals, and each keeps at least its newest 100.
    for (const d of lost) expect(perWindow.get(Math.floor(d.eventTimeMs / 500))).toBeGreaterThan(100);
    expect(sim.printedIds('BTCUSDT', 'trade')).toEqual(timelineIds('BTCUSDT'));
  });
});
