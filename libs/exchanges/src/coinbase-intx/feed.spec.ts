import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { FeedProbe } from '../testing/feed-probe';
import { IntxFeed, type IntxFeedOptions } from './feed';
import { parseFrame } from './mapper';
import { IntxSimulator, intxFramesFromBinance, type IntxSimulatorOptions } from './simulator';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8').split('\n').filter((l) => l.trim() !== '');
const recorded = [...fixture('nautilus-ws_match.json'), ...fixture('tardis-node-mappers-test-trade-messages.jsonl')];
/** Real Binance prints re-encoded as MATCH messages (simulator/reencode.ts): volume. */
const btc = intxFramesFromBinance(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 2000));

let sim: IntxSimulator;
let feed: IntxFeed;
let probe: FeedProbe;

async function setup(simOptions: IntxSimulatorOptions, feedOptions: Partial<IntxFeedOptions> = {}): Promise<void> {
  sim = await IntxSimulator.start({ host: '127.0.0.1', ...simOptions });
  probe = new FeedProbe();
  feed = new IntxFeed({
    wsBaseUrl: sim.wsBaseUrl, credentials: sim.credentials, clock: systemClock, logger: silentLogger(), events: probe,
    minBackoffMs: 20, maxBackoffMs: 200, ...feedOptions,
  });
}

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

const sourceIds = (symbol: string) => probe.trades.filter((t) => t.symbol === symbol).map((t) => t.sourceId);
const printedIds = (symbol: string) => sim.printed(symbol).map((p) => p.matchId);
const disconnections = () => probe.statuses.filter((s) => s.state === 'disconnected');

describe('Coinbase INTX feed against the simulator', () => {
  it('subscribes with a signed SUBSCRIBE and collects every recorded match intact, numbered on arrival', async () => {
    await setup({ frames: recorded });
    await feed.subscribe(['BTC-PERP', 'SOL-PERP']);
    feed.start();
    await probe.until('both recorded matches', () => probe.trades.length === 2);
    const expected = recorded.map((l) => parseFrame(l, Date.now())).flatMap((r) => (r.type === 'trades' ? r.trades : []));
    const strip = (t: { symbol: string; sourceId?: string; price: string; qty: string; exchangeTimeMs: number }) => [t.symbol, t.sourceId, t.price, t.qty, t.exchangeTimeMs];
    expect(probe.trades.map(strip).sort()).toEqual(expected.map(strip).sort());
    // Ids carry no order: the feed numbers prints (exchange ms × 1024).
    expect(probe.trades.find((t) => t.symbol === 'SOL-PERP')!.id).toBe(Date.UTC(2024, 9, 30, 10, 55, 2, 347) * 1024);
    expect(sim.subscriptions()).toEqual([['BTC-PERP', 'SOL-PERP']]);
    expect(disconnections()).toEqual([]);
  });

  it('plays thousands of matches in order, with nothing lost or repeated', async () => {
    await setup({ frames: btc });
    await feed.subscribe(['BTC-PERP']);
    feed.start();
    await sim.drained();
    await probe.until('every match', () => probe.trades.length === sim.printCount);
    expect(sourceIds('BTC-PERP')).toEqual(printedIds('BTC-PERP'));
    expect(disconnections()).toEqual([]);
    expect(probe.rejections).toEqual([]);
    expect(probe.count('unread')).toBe(0);
  });

  it('treats a skipped sequence number as a loss: the connection is dropped and reopened, and the stream goes on', async () => {
    await setup({ frames: btc, pace: { speed: 20 } });
    await feed.subscribe(['BTC-PERP']);
    feed.start();
    await probe.until('some matches', () => probe.trades.length > 50);
    sim.skipNext(3, { symbol: 'BTC-PERP' });
    await probe.until('a disconnection over the gap', () => disconnections().length > 0);
    expect(disconnections()[0]).toMatchObject({
      symbols: ['BTC-PERP'], cause: 'sequence-gap', reason: expect.stringMatching(/^sequence gap on MATCH: \d+ then \d+$/) as string,
    });
    await probe.until('a reconnection', () => probe.count('connected') >= 2);
    const before = probe.trades.length;
    await probe.until('matches after it', () => probe.trades.length > before + 20);
    const got = new Set(sourceIds('BTC-PERP'));
    // What was received is in the exchange's order; the three skipped and the one that showed the
    // gap are missing (and whatever was printed while reconnecting).
    expect(sourceIds('BTC-PERP')).toEqual(printedIds('BTC-PERP').filter((id) => got.has(id)));
    const upTo = printedIds('BTC-PERP').indexOf(sourceIds('BTC-PERP').at(-1)!) + 1;
    expect(upTo - got.size).toBeGreaterThanOrEqual(4);
  });

  it('reads on past a message it cannot read that took its sequence number: an unread loss, no reconnect', async () => {
    await setup({ frames: btc, pace: { speed: 20 } });
    await feed.subscribe(['BTC-PERP']);
    feed.start();
    await probe.until('some matches', () => probe.trades.length > 50);
    sim.spoilNext(2, { trade_price: '6.4e4' }, { symbol: 'BTC-PERP' });
    await probe.until('two rejections', () => probe.rejections.length === 2);
    const before = probe.trades.length;
    await probe.until('matches after them', () => probe.trades.length > before + 20);
    expect(probe.rejections.map((r) => r.kind)).toEqual(['bad_decimal', 'bad_decimal']);
    expect(probe.count('unread')).toBe(2);
    expect(disconnections()).toEqual([]);
    expect(probe.count('connected')).toBe(1);
    // Every match but the two spoilt ones arrived, in the exchange's order.
    const got = sourceIds('BTC-PERP');
    const upTo = printedIds('BTC-PERP').indexOf(got.at(-1)!) + 1;
    expect(got).toHaveLength(upTo - 2);
    expect(new Set(got).size).toBe(got.length);
  });

  it('reconnects after a dropped connection and resubscribes, signed again', async () => {
    await setup({ frames: btc, pace: { speed: 20 } });
    const subscribes: unknown[] = [];
    sim.on('subscribe', (e) => subscribes.push(e));
    await feed.subscribe(['BTC-PERP']);
    feed.start();
    await probe.until('some matches', () => probe.trades.length > 20);
    sim.dropConnections();
    await probe.until('a reconnection', () => probe.count('connected') >= 2);
    await probe.until('a second subscription', () => subscribes.length === 2);
    const before = probe.trades.length;
    await probe.until('matches after it', () => probe.trades.length > before + 10);
    expect(disconnections()).toHaveLength(1);
    // A cut is not a counted loss: heartbeats before it still vouch.
    expect(disconnections()[0]).not.toHaveProperty('cause');
  });

  it('is refused with a clear error when the credentials are wrong', async () => {
    await setup({ frames: recorded }, {});
    feed = new IntxFeed({
      wsBaseUrl: sim.wsBaseUrl, credentials: { ...sim.credentials, apiSecret: Buffer.from('another secret').toString('base64') },
      clock: systemClock, logger: silentLogger(), events: probe, minBackoffMs: 20, maxBackoffMs: 200,
    });
    feed.start();
    // Offline, the subscription waits for the connection; once it is up, a SUBSCRIBE is answered.
    await feed.subscribe(['BTC-PERP']);
    await probe.until('a connection', () => probe.count('connected') === 1);
    const error = await feed.subscribe(['SOL-PERP']).then(() => null, (e: unknown) => e);
    expect(isExgateError(error, 'EXCHANGE_REJECTED')).toBe(true);
    expect((error as Error).message).toContain('Authentication failed: invalid signature');
    expect(probe.count('subscribed')).toBe(0);
    expect(probe.trades).toEqual([]);
  });

  it('without credentials never connects: the symbols are kept, nothing loops', async () => {
    await setup({ frames: recorded }, { credentials: null });
    feed.start();
    await feed.subscribe(['BTC-PERP']);
    expect([...feed.symbols]).toEqual(['BTC-PERP']);
    // Nothing to wait for: an offline feed opens no socket at all, synchronously or later.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sim.stats.connectionsOpened).toBe(0);
    expect(probe.statuses).toEqual([]);
    await expect(feed.subscribe(['btc-perp'])).rejects.toThrow('is not a Coinbase INTX instrument');
  });
});
