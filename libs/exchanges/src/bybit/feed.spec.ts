import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Trade } from '@exgate/domain';
import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { FeedProbe } from '../testing/feed-probe';
import { BybitFeed, type BybitFeedOptions } from './feed';
import { parseFrame } from './mapper';
import { BybitSimulator, bybitFramesFromBinance, type BybitSimulatorOptions } from './simulator';

const recorded = readFileSync(path.join(__dirname, '__fixtures__', 'publicTrade-2023-04-05.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
/** Real Binance prints re-encoded as Bybit pushes (simulator/reencode.ts): volume. */
const btcLinear = bybitFramesFromBinance(binance('btcusdt-trade-stream.jsonl').slice(0, 3000), { category: 'linear' });
const ethSpot = bybitFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 1500), { category: 'spot' });

let sim: BybitSimulator;
let feed: BybitFeed;
let probe: FeedProbe;

async function setup(simOptions: BybitSimulatorOptions, feedOptions: Partial<BybitFeedOptions> = {}): Promise<void> {
  sim = await BybitSimulator.start(simOptions);
  probe = new FeedProbe();
  feed = new BybitFeed({
    kind: 'trade', wsBaseUrl: sim.wsBaseUrl, clock: systemClock, logger: silentLogger(), events: probe,
    minBackoffMs: 20, maxBackoffMs: 200, ...feedOptions,
  });
}

afterEach(async () => {
  await feed?.stop();
  await sim?.close();
});

const sourceIds = (symbol: string) => probe.trades.filter((t) => t.symbol === symbol).map((t) => t.sourceId);
const printedSourceIds = (symbol: string) => sim.printed(symbol).map((p) => p.sourceId);
const withoutReceipt = ({ receivedAtMs: _r, id: _i, firstTradeId: _f, lastTradeId: _l, ...t }: Trade) => t;

describe('Bybit feed against the simulator', () => {
  it('collects both markets, each on its own path, every recorded fill intact', async () => {
    await setup({ frames: recorded });
    const subscribed: unknown[] = [];
    sim.on('subscribe', (e) => subscribed.push(e));
    await feed.subscribe(['LTCUSDT', 'BTCUSDT-SPOT', 'BTCUSDC-SPOT']);
    feed.start();
    await probe.until('all 6 recorded fills', () => probe.trades.length === 6);
    const expected = recorded.slice(1).map((l) => parseFrame(l, Date.now())).flatMap((r) => (r.type === 'trades' ? r.trades : []));
    const bySymbol = (list: { symbol: string }[]) => [...list].sort((a, b) => a.symbol.localeCompare(b.symbol));
    expect(bySymbol(probe.trades.map(withoutReceipt))).toEqual(bySymbol(expected.map(withoutReceipt)));
    // The mapper leaves ids to the feed, which numbers each symbol's prints on arrival (exchange ms × 1024, then +1).
    expect(expected.every((t) => t.id === 0)).toBe(true);
    const spot = probe.trades.filter((t) => t.symbol === 'BTCUSDT-SPOT');
    expect(spot.map((t) => [t.id, t.firstTradeId, t.lastTradeId])).toEqual([0, 1, 2, 3].map((k) => Array(3).fill(1680652847524 * 1024 + k)));
    expect(sim.subscriptions().sort((a, b) => a.category.localeCompare(b.category))).toEqual([
      { category: 'linear', wires: ['LTCUSDT'] },
      { category: 'spot', wires: ['BTCUSDC', 'BTCUSDT'] },
    ]);
    expect(probe.statuses.filter((s) => s.state === 'connected').map((s) => s.state === 'connected' && s.url).sort())
      .toEqual([`${sim.wsBaseUrl}/v5/public/linear`, `${sim.wsBaseUrl}/v5/public/spot`]);
    // Connections of the two markets never share a name (statuses key on it).
    expect(new Set(probe.statuses.map((s) => s.connection))).toEqual(new Set(['bybit-linear/trade#1', 'bybit-spot/trade#1']));
  });

  it('subscribes spot in requests of at most 10 args, as Bybit demands', async () => {
    const extra = Array.from({ length: 12 }, (_, i) => `C${i}USDT`);
    await setup({ frames: recorded, extraSymbols: { spot: extra } });
    const requests: string[][] = [];
    sim.on('subscribe', (e: { wires: string[] }) => requests.push(e.wires));
    await feed.subscribe(extra.map((s) => `${s}-SPOT`));
    feed.start();
    await probe.until('all 12 acknowledged', () => probe.statuses.filter((s) => s.state === 'subscribed').flatMap((s) => s.symbols).length === 12);
    expect(requests.map((r) => r.length)).toEqual([10, 2]);
    expect(sim.subscriptions()).toEqual([{ category: 'spot', wires: [...extra].sort() }]);
  });

  it('refuses a symbol of neither market before any I/O', async () => {
    await setup({ frames: recorded });
    feed.start();
    for (const bad of ['btcusdt', 'BTCUSD', 'BTC/USDT', 'BTCUSDT-PERP', 'BTCUSDT-SPOT-SPOT']) {
      await expect(feed.subscribe([bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(sim.stats.connectionsOpened).toBe(0);
  });

  it("fails the subscribe when Bybit refuses the topic, with Bybit's words", async () => {
    await setup({ frames: recorded });
    sim.pause();
    await feed.subscribe(['LTCUSDT']);
    feed.start();
    await probe.until('subscribed', () => probe.count('subscribed') === 1);
    const err = await feed.subscribe(['XRPUSDT']).catch((e: unknown) => e);
    expect(isExgateError(err, 'EXCHANGE_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('error:handler not found,topic:publicTrade.XRPUSDT');
  });

  it.each([
    ['linear', 'ret_msg'],
    ['spot', 'ret_msg'],
    ['linear', 'op-pong'],
  ] as const)('pings with {"op":"ping"} and takes the %s pong (%s style) as proof of life', async (category, pongStyle) => {
    await setup({ frames: recorded, pongStyle }, { pingIntervalMs: 40, pongTimeoutMs: 2_000 });
    sim.pause();
    await feed.subscribe([category === 'spot' ? 'BTCUSDT-SPOT' : 'LTCUSDT']);
    feed.start();
    await probe.until('three pongs', () => probe.count('alive') >= 3);
    expect(sim.stats.pongsReceived).toBeGreaterThanOrEqual(3);
    expect(probe.count('disconnected')).toBe(0);
    // Pongs and acks are read, not rejected: nothing declares a loss in ordinary traffic.
    expect(probe.rejections).toEqual([]);
    expect(probe.count('unread')).toBe(0);
  });

  it('reconnects after a dropped connection, resubscribes, and nothing arrives twice', async () => {
    await setup({ frames: [...btcLinear, ...ethSpot], pace: { speed: 20 } });
    await feed.subscribe(['BTCUSDT', 'ETHUSDT-SPOT']);
    feed.start();
    await probe.until('first prints of both', () => sourceIds('BTCUSDT').length > 20 && sourceIds('ETHUSDT-SPOT').length > 20);
    sim.dropConnections();
    await probe.until('both reconnected', () => probe.count('connected') === 4);
    expect(probe.statuses.filter((s) => s.state === 'disconnected').map((s) => s.state === 'disconnected' && s.symbols).sort())
      .toEqual([['BTCUSDT'], ['ETHUSDT-SPOT']]);
    await probe.until('prints after the reconnect', () => sourceIds('BTCUSDT').length > 200);
    for (const symbol of ['BTCUSDT', 'ETHUSDT-SPOT']) {
      const got = sourceIds(symbol);
      expect(new Set(got).size).toBe(got.length);
      // What arrived is what Bybit printed, in its order; the drop lost some (no backfill by id).
      const printed = printedSourceIds(symbol);
      const places = got.map((id) => printed.indexOf(id ?? ''));
      expect(places.every((n) => n >= 0)).toBe(true);
      expect(places).toEqual([...places].sort((a, b) => a - b));
    }
  });

  it('rotates with an overlap: repeats dropped by Bybit id, nothing lost', async () => {
    await setup({ frames: btcLinear, pace: { speed: 10 } }, { maxConnectionAgeMs: 400, rotationOverlapMs: 150 });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('three rotations', () => sim.stats.connectionsOpened >= 4 && probe.trades.length > 0, 20_000);
    const got = sourceIds('BTCUSDT');
    const printed = printedSourceIds('BTCUSDT');
    expect(probe.count('disconnected')).toBe(0);
    expect(probe.count('unread')).toBe(0);
    expect(got).toEqual(printed.slice(0, got.length));
    expect(sim.stats.framesSent).toBeGreaterThan(new Set(sim.printed('BTCUSDT').map((p) => p.frame)).size);
  });

  it('reconnects when the connection goes silent, and when a ping gets no pong', async () => {
    await setup({ frames: btcLinear, pace: { speed: 20 } }, { silenceTimeoutMs: 300, pingIntervalMs: 50, pongTimeoutMs: 150 });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('first prints', () => probe.trades.length >= 10);
    sim.silence(30_000);
    await probe.until('dropped', () => probe.count('disconnected') === 1);
    expect(probe.statuses.find((s) => s.state === 'disconnected')).toMatchObject({ reason: expect.stringMatching(/^(no pong within 150 ms|silence: no frame for 300 ms)$/) });
    await probe.until('reconnected', () => probe.count('connected') === 2);
  });

  it('rejects malformed pushes per kind and the stream goes on', async () => {
    await setup({ frames: btcLinear, pace: { speed: 5 } });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('first prints', () => probe.trades.length >= 5);
    const good = JSON.parse(btcLinear[0]!) as { data: Record<string, unknown>[] };
    const push = (over: Record<string, unknown>) => JSON.stringify({ ...good, data: [{ ...good.data[0], ...over }] });
    sim.sendRaw('{"topic":"publicTrade.BTCUSDT",');
    sim.sendRaw(push({ v: '0' }));
    sim.sendRaw(push({ p: 'NaN' }));
    sim.sendRaw(push({ S: undefined }));
    sim.sendRaw(JSON.stringify({ ...good, topic: 'orderbook.1.BTCUSDT' }));
    const before = probe.trades.length;
    await probe.until('five rejections and prints after them', () => probe.rejections.length === 5 && probe.trades.length > before + 5);
    expect(probe.rejections.map((r) => r.kind)).toEqual(['invalid_json', 'non_positive_quantity', 'bad_decimal', 'schema', 'unknown_stream']);
    // Each frame that may have held this connection's prints says so; another stream's does not.
    const unread = probe.statuses.filter((st) => st.state === 'unread');
    expect(unread).toEqual(['invalid_json', 'non_positive_quantity', 'bad_decimal', 'schema'].map((kind) => ({ state: 'unread', connection: expect.any(String), symbols: ['BTCUSDT'], kind })));
    expect(probe.count('disconnected')).toBe(0);
  });

  it('unsubscribes one market without touching the other', async () => {
    await setup({ frames: recorded });
    sim.pause();
    await feed.subscribe(['LTCUSDT', 'BTCUSDT-SPOT']);
    feed.start();
    await probe.until('both connected', () => probe.count('connected') === 2);
    await probe.until('both subscribed', () => sim.subscriptions().every((s) => s.wires.length === 1) && sim.subscriptions().length === 2);
    const closed = once(sim, 'close');
    await feed.unsubscribe(['BTCUSDT-SPOT']);
    await closed;
    expect(sim.subscriptions()).toEqual([{ category: 'linear', wires: ['LTCUSDT'] }]);
    expect(feed.symbols).toEqual(new Set(['LTCUSDT']));
  });
});
