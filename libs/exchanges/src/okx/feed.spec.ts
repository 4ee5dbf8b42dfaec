import { eventually, fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { FeedProbe } from '../testing/feed-probe';
import { OkxFeed, type OkxFeedOptions } from './feed';
import { splitId } from './listing';
import { OkxRest } from './rest';
import { OkxSimulator, okxFramesFromBinance, type OkxSimulatorOptions } from './simulator';

const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
const btc = okxFramesFromBinance(binance('btcusdt-trade-stream.jsonl').slice(0, 2000));
const ethSwap = okxFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 500), { instId: 'ETH-USDT-SWAP' });
const DAY = 86_400_000;

let sim: OkxSimulator;
let feed: OkxFeed;
let probe: FeedProbe;

async function setup(simOptions: OkxSimulatorOptions, feedOptions: Partial<OkxFeedOptions> = {}): Promise<void> {
  sim = await OkxSimulator.start(simOptions);
  probe = new FeedProbe();
  const rest = new OkxRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
  feed = new OkxFeed({
    kind: 'trade', wsBaseUrl: sim.wsBaseUrl, clock: systemClock, logger: silentLogger(), events: probe, rest,
    minBackoffMs: 20, maxBackoffMs: 200, ...feedOptions,
  });
}

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

describe('OKX feed against the simulator', () => {
  it('collects trades-all on /ws/v5/business: every fill once, ids the listing epoch above the tradeId, swaps in base units', async () => {
    await setup({ frames: [...btc, ...ethSwap] });
    await feed.subscribe(['BTC-USDT', 'ETH-USDT-SWAP']);
    feed.start();
    await sim.drained();
    await probe.until('every fill', () => probe.trades.length === sim.printCount);
    expect(probe.ids('BTC-USDT')).toEqual(sim.printedIds('BTC-USDT', 'trade'));
    expect(probe.ids('ETH-USDT-SWAP')).toEqual(sim.printedIds('ETH-USDT-SWAP', 'trade'));
    const [swap] = probe.trades.filter((t) => t.symbol === 'ETH-USDT-SWAP');
    const first = sim.timeline('ETH-USDT-SWAP')[0]!;
    expect(swap!.qty).toBe(String(Number(first.sz) / 10));
    expect(splitId(swap!.id).tradeId).toBe(Number(first.tradeId));
    expect(probe.statuses.find((s) => s.state === 'connected')).toMatchObject({ url: `${sim.wsBaseUrl}/ws/v5/business` });
    expect(sim.subscriptions()).toEqual([{ channel: 'trades-all', instIds: ['BTC-USDT', 'ETH-USDT-SWAP'] }]);
    expect(probe.rejections).toEqual([]);
  });

  it('keeps a quiet connection alive with the text ping (each pong vouches for the symbols)', async () => {
    // Nothing is pushed after the first fill: only the pings (4 a second, within our 5) keep it open.
    await setup({ frames: btc, idleCutMs: 1000, pace: { speed: 0.00001 } }, { pingIntervalMs: 250 });
    await feed.subscribe(['BTC-USDT']);
    feed.start();
    await probe.until('several pongs', () => probe.count('alive') >= 8);
    expect(sim.stats.pongsReceived).toBeGreaterThanOrEqual(8);
    expect(probe.statuses.filter((s) => s.state === 'disconnected')).toEqual([]);
  });

  it('refuses a symbol OKX does not spell so before any I/O, and one it does not list before subscribing', async () => {
    await setup({ frames: btc });
    feed.start();
    const requests: unknown[] = [];
    sim.on('rest', (e) => requests.push(e));
    for (const bad of ['BTCUSDT', 'btc-usdt', 'BTC-USD-SWAP', 'BTC-USD-220527']) {
      await expect(feed.subscribe([bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(requests).toEqual([]);
    await expect(feed.subscribe(['XRP-USDT'])).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(sim.stats.connectionsOpened).toBe(0);
  });

  it('waits out an unavailable instruments REST before subscribing (the collector asks once)', async () => {
    await setup({ frames: btc });
    sim.failRest(503, { times: 2 });
    await feed.subscribe(['BTC-USDT']);
    expect(sim.stats.restStatuses).toMatchObject({ 503: 2, 200: 1 });
    feed.start();
    await probe.until('fills', () => probe.trades.length > 0);
  });

  it('reconnects after a dropped connection and resubscribes; ids keep growing', async () => {
    await setup({ frames: btc, pace: { speed: 50 } });
    await feed.subscribe(['BTC-USDT']);
    feed.start();
    await probe.until('some fills', () => probe.trades.length > 20);
    sim.dropConnections();
    await probe.until('reconnected', () => probe.count('connected') === 2);
    const before = probe.trades.length;
    await probe.until('fills after the reconnect', () => probe.trades.length > before + 10);
    const ids = probe.ids('BTC-USDT');
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(sim.subscriptions()).toEqual([{ channel: 'trades-all', instIds: ['BTC-USDT'] }]);
  });

  it('a relisting: tradeIds restart, the feed loads the new listing and numbers its fills in a later epoch, above the old ones', async () => {
    const firstId = Number((JSON.parse(btc[0]!) as { data: { tradeId: string }[] }).data[0]!.tradeId);
    const relisted = btc.slice(0, 300).map((f) => {
      const push = JSON.parse(f) as { arg: unknown; data: Record<string, string>[] };
      return JSON.stringify({ ...push, data: push.data.map((d) => ({ ...d, tradeId: String(Number(d.tradeId) - firstId + 1), ts: String(Number(d.ts) + 40 * DAY) })) });
    });
    await setup({ frames: [...btc.slice(0, 300), ...relisted] });
    const books: unknown[] = [];
    sim.on('rest', (e: { path: string }) => {
      if (e.path === '/api/v5/public/instruments') books.push(e);
    });
    await feed.subscribe(['BTC-USDT']);
    feed.start();
    await sim.drained();
    const printed = sim.printedIds('BTC-USDT', 'trade');
    // The first restarted tradeId made the feed reload the book; what arrived meanwhile was held back.
    await probe.until('the book reloaded', () => books.length === 2);
    const ids = probe.ids('BTC-USDT');
    expect(ids.slice(0, 300)).toEqual(printed.slice(0, 300));
    // A later fill of the new listing, as OKX would push it next.
    const last = relisted.at(-1)!;
    const next = (n: number) => last.replace(/"tradeId":"(\d+)"/, `"tradeId":"${300 + n}"`).replace(/"ts":"(\d+)"/, (_m, ts: string) => `"ts":"${Number(ts) + n}"`);
    let n = 1;
    await eventually(() => {
      sim.sendRaw(next(n++));
      return probe.trades.some((t) => t.sourceId !== undefined && Number(t.sourceId) > 300 && Number(t.sourceId) < 1000);
    }, { timeoutMs: 5_000, intervalMs: 20, what: 'a fill of the new listing' });
    const all = probe.ids('BTC-USDT');
    expect(all.every((id, i) => i === 0 || id > all[i - 1]!)).toBe(true);
    const fresh = all.slice(300);
    expect(splitId(fresh[0]!).epoch).toBe(sim.timeline('BTC-USDT')[300]!.epoch);
    expect(splitId(fresh[0]!).epoch).toBeGreaterThan(splitId(all[0]!).epoch);
    // Fills pushed while the book reloaded were held back (a collector fetches them by id). On a
    // busy machine the reload can end before the recording has played out, and the rest of the
    // relisted fills then come live: whichever, every fill after the old listing's is in the new epoch.
    expect(fresh.every((id) => splitId(id).epoch === splitId(fresh[0]!).epoch)).toBe(true);
    // Subscribed afresh: the collector catches up by id on that status, as after a reconnect.
    await probe.until('subscribed afresh', () => probe.count('subscribed') === 2);
    expect(probe.rejections).toEqual([]);
  });
});
