import { once } from 'node:events';
import WebSocket from 'ws';
import { fixtureLines } from '@exgate/testing';
import { parseFrame } from '../mapper';
import { subscriptionSignature } from '../signature';
import { intxFramesFromBinance } from './reencode';
import { IntxSimulator } from './simulator';

const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
const btc = intxFramesFromBinance(binance('btcusdt-trade-stream.jsonl').slice(0, 200));
const eth = intxFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 100));

let sim: IntxSimulator;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.close();
});

/** A client that keeps every message it receives, in order. */
async function client(): Promise<{ ws: WebSocket; got: Record<string, unknown>[]; until(n: number): Promise<void> }> {
  const ws = new WebSocket(sim.wsBaseUrl);
  sockets.push(ws);
  const got: Record<string, unknown>[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as Record<string, unknown>));
  await once(ws, 'open');
  const until = async (n: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (got.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${got.length} of ${n} messages: ${JSON.stringify(got.slice(-2))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { ws, got, until };
}

function subscribe(products: string[], o: { secret?: string; time?: number } = {}): string {
  const c = sim.credentials;
  const time = String(o.time ?? Math.floor(Date.now() / 1000));
  return JSON.stringify({
    type: 'SUBSCRIBE', product_ids: products, channels: ['MATCH'], time, key: c.apiKey, passphrase: c.passphrase,
    signature: subscriptionSignature({ timeS: time, apiKey: c.apiKey, passphrase: c.passphrase, apiSecret: o.secret ?? c.apiSecret }),
  });
}

describe('Coinbase INTX simulator', () => {
  it('answers a signed SUBSCRIBE with a SUBSCRIPTIONS snapshot, then MATCH messages numbered per connection from 0', async () => {
    sim = await IntxSimulator.start({ frames: [...btc, ...eth], host: '127.0.0.1' });
    const a = await client();
    a.ws.send(subscribe(['BTC-PERP', 'ETH-PERP']));
    await a.until(1 + 300);
    expect(a.got[0]).toMatchObject({ channel: 'SUBSCRIPTIONS', type: 'SNAPSHOT', authenticated: true, channels: [{ name: 'MATCH', product_ids: ['BTC-PERP', 'ETH-PERP'] }] });
    expect(a.got[0]).not.toHaveProperty('sequence');
    const matches = a.got.slice(1);
    // One counter for the connection's MATCH channel, whatever the instrument.
    expect(matches.map((m) => m.sequence)).toEqual(matches.map((_, i) => i));
    const byProduct = (p: string) => matches.filter((m) => m.product_id === p).map((m) => m.match_id);
    expect(byProduct('BTC-PERP')).toEqual(sim.timeline('BTC-PERP').map((p) => p.matchId));
    expect(byProduct('ETH-PERP')).toEqual(sim.timeline('ETH-PERP').map((p) => p.matchId));
    expect(sim.started).toEqual(new Set(['BTC-PERP', 'ETH-PERP']));
  });

  it('numbers each connection on its own, and a skipped match still takes its number', async () => {
    sim = await IntxSimulator.start({ frames: btc, host: '127.0.0.1' });
    sim.pause();
    const a = await client();
    const b = await client();
    a.ws.send(subscribe(['BTC-PERP']));
    b.ws.send(subscribe(['BTC-PERP']));
    await a.until(1);
    await b.until(1);
    sim.skipNext(2);
    sim.resume();
    await a.until(1 + 198);
    await b.until(1 + 198);
    for (const c of [a, b]) {
      expect(c.got.slice(1).map((m) => m.sequence)).toEqual(Array.from({ length: 198 }, (_, i) => i + 2));
    }
    expect(sim.sentIds('BTC-PERP', 'trade')).toEqual(sim.printedIds('BTC-PERP', 'trade').slice(2));
  });

  it('refuses a wrong signature, a stale time, an unknown instrument or channel with a REJECT', async () => {
    sim = await IntxSimulator.start({ frames: btc, host: '127.0.0.1' });
    const a = await client();
    a.ws.send(subscribe(['BTC-PERP'], { secret: Buffer.from('nope').toString('base64') }));
    a.ws.send(subscribe(['BTC-PERP'], { time: Math.floor(Date.now() / 1000) - 600 }));
    a.ws.send(subscribe(['DOGE-PERP']));
    a.ws.send(JSON.stringify({ ...JSON.parse(subscribe(['BTC-PERP'])) as object, channels: ['LEVEL2'] }));
    a.ws.send('not json');
    await a.until(5);
    expect(a.got.map((m) => [m.type, m.message, m.reason])).toEqual([
      ['REJECT', 'Authentication failed', 'invalid signature'],
      ['REJECT', 'Authentication failed', expect.stringContaining('too far') as string],
      ['REJECT', 'Failed to subscribe', 'unknown product_id DOGE-PERP'],
      ['REJECT', 'Failed to subscribe', 'channel LEVEL2 is not served here'],
      ['REJECT', 'Failed to parse message', 'request is not a JSON object'],
    ]);
    // The mapper reads each refusal as a control error.
    expect(a.got.map((m) => parseFrame(JSON.stringify(m), Date.now()).type)).toEqual(Array(5).fill('control'));
    expect(sim.started.size).toBe(0);
  });

  it('cuts a client that does not subscribe in time, and answers websocket pings', async () => {
    sim = await IntxSimulator.start({ frames: btc, host: '127.0.0.1', subscribeWithinMs: 200 });
    const a = await client();
    a.ws.ping();
    await once(a.ws, 'pong');
    expect(sim.stats.pongsReceived).toBe(1);
    await once(a.ws, 'close');
  });

  it('serves instruments and candles on REST', async () => {
    sim = await IntxSimulator.start({ frames: btc, host: '127.0.0.1', restHistory: 'all' });
    const listed = await (await fetch(`${sim.restBaseUrl}/api/v1/instruments`)).json() as { symbol: string }[];
    expect(listed.map((i) => i.symbol)).toEqual(['BTC-PERP']);
    const first = sim.timeline('BTC-PERP')[0]!.timeMs;
    const day = new Date(Math.floor(first / 86_400_000) * 86_400_000).toISOString().replace('.000Z', 'Z');
    const res = await fetch(`${sim.restBaseUrl}/api/v1/instruments/BTC-PERP/candles?granularity=ONE_DAY&start=${day}`);
    const body = await res.json() as { aggregations: { start: string; volume: string }[] };
    expect(body.aggregations.map((a) => a.start)).toEqual([day]);
    expect((await fetch(`${sim.restBaseUrl}/api/v1/instruments/BTC-PERP/candles?granularity=ONE_WEEK&start=${day}`)).status).toBe(400);
    expect((await fetch(`${sim.restBaseUrl}/api/v1/instruments/BTC-PERP/candles?granularity=ONE_DAY`)).status).toBe(400);
    expect((await fetch(`${sim.restBaseUrl}/api/v1/instruments/ETH-PERP/candles?granularity=ONE_DAY&start=${day}`)).status).toBe(404);
  });
});

describe('Binance prints re-encoded as MATCH messages', () => {
  it('keeps every MARKET print, exactly: price, size, time, taker side; BTCUSDT is BTC-PERP', () => {
    const lines = binance('btcusdt-trade-stream.jsonl').slice(0, 50);
    const source = lines.map((l) => (JSON.parse(l) as { data: { t: number; p: string; q: string; T: number; m: boolean; X?: string } }).data)
      .filter((d) => d.X === undefined || d.X === 'MARKET');
    const trades = intxFramesFromBinance(lines).flatMap((f) => {
      const r = parseFrame(f, Date.now());
      return r.type === 'trades' ? r.trades : [];
    });
    expect(trades.map((t) => [t.symbol, t.price, t.qty, t.exchangeTimeMs, t.isBuyerMaker]))
      .toEqual(source.map((d) => ['BTC-PERP', d.p, d.q, d.T, d.m]));
    expect(new Set(trades.map((t) => t.sourceId)).size).toBe(trades.length);
  });

  it('turns aggTrades into one match each and leaves klines and other kinds out', () => {
    const agg = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl').slice(0, 20);
    const klines = fixtureLines('binance', 'ws-captures-2026', 'perp_kline_1m.jsonl').slice(0, 20);
    const frames = intxFramesFromBinance([...agg, ...klines, '', 'not json']);
    expect(frames).toHaveLength(agg.length);
    expect(frames.every((f) => parseFrame(f, Date.now()).type === 'trades')).toBe(true);
  });

  it('gives per-symbol sets ids of their own, so concatenated sets never collide', () => {
    const both = [...btc, ...eth].map((f) => JSON.parse(f) as { product_id: string; match_id: string });
    expect(new Set(both.map((m) => m.match_id)).size).toBe(both.length);
    expect(new Set(both.map((m) => m.product_id))).toEqual(new Set(['BTC-PERP', 'ETH-PERP']));
  });
});
