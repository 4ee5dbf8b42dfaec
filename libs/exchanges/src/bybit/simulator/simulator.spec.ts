import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ccxt from 'ccxt';
import WebSocket from 'ws';
import { fixtureLines } from '@exgate/testing';
import { CUT_SHORT_FRAME } from '../../common/simulator/core';
import { BybitSimulator, bybitFramesFromBinance, type BybitSimulatorOptions } from '.';

const recorded = readFileSync(path.join(__dirname, '..', '__fixtures__', 'publicTrade-2023-04-05.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
const btcLinear = bybitFramesFromBinance(binance('btcusdt-trade-stream.jsonl'), { category: 'linear' });
const ethSpot = bybitFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 500), { category: 'spot' });

let sim: BybitSimulator;
const sockets: WebSocket[] = [];

async function setup(options: Partial<BybitSimulatorOptions> = {}): Promise<void> {
  sim = await BybitSimulator.start({ frames: recorded, ...options });
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.close();
});

/** A raw client: what it sends, and every frame it receives, parsed. */
async function client(category: 'linear' | 'spot'): Promise<{ ws: WebSocket; frames: Record<string, unknown>[]; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(`${sim.wsBaseUrl}/v5/public/${category}`);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  const waiting: ((f: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(f);
    else frames.push(f);
  });
  await once(ws, 'open');
  return { ws, frames, next: () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
}

describe('Bybit simulator: the v5 public websocket protocol', () => {
  it('answers subscribe as Bybit does per category: spot says "subscribe", linear leaves ret_msg empty; req_id echoed', async () => {
    await setup();
    sim.pause();
    const spot = await client('spot');
    spot.ws.send(JSON.stringify({ req_id: 'a1', op: 'subscribe', args: ['publicTrade.BTCUSDT'] }));
    expect(await spot.next()).toMatchObject({ success: true, ret_msg: 'subscribe', req_id: 'a1', op: 'subscribe', conn_id: expect.any(String) });
    const linear = await client('linear');
    linear.ws.send(JSON.stringify({ req_id: 'b2', op: 'subscribe', args: ['publicTrade.LTCUSDT'] }));
    expect(await linear.next()).toMatchObject({ success: true, ret_msg: '', req_id: 'b2', op: 'subscribe' });
    linear.ws.send(JSON.stringify({ op: 'subscribe', args: ['publicTrade.LTCUSDT'] }));
    expect(await linear.next()).toMatchObject({ success: false, ret_msg: 'error:already subscribed,topic:publicTrade.LTCUSDT', req_id: '' });
  });

  it("pongs in each category's shape: spot without req_id, linear with it, or the option-style op pong", async () => {
    await setup();
    const spot = await client('spot');
    spot.ws.send(JSON.stringify({ req_id: '9', op: 'ping' }));
    const spotPong = await spot.next();
    expect(spotPong).toMatchObject({ success: true, ret_msg: 'pong', op: 'ping' });
    expect(spotPong).not.toHaveProperty('req_id');
    const linear = await client('linear');
    linear.ws.send(JSON.stringify({ req_id: '10', op: 'ping' }));
    expect(await linear.next()).toMatchObject({ success: true, ret_msg: 'pong', req_id: '10', op: 'ping' });
    await sim.close();
    await setup({ pongStyle: 'op-pong' });
    const option = await client('linear');
    option.ws.send(JSON.stringify({ req_id: '11', op: 'ping' }));
    expect(await option.next()).toMatchObject({ op: 'pong', req_id: '11', args: [expect.stringMatching(/^\d+$/)] });
  });

  it('refuses what Bybit refuses, in the words captured from Bybit', async () => {
    await setup({ extraSymbols: { spot: Array.from({ length: 11 }, (_, i) => `S${i}USDT`) } });
    const spot = await client('spot');
    spot.ws.send(JSON.stringify({ req_id: '1', op: 'subscribe', args: Array.from({ length: 11 }, (_, i) => `publicTrade.S${i}USDT`) }));
    expect(await spot.next()).toMatchObject({ success: false, ret_msg: 'args size >10', req_id: '1' });
    spot.ws.send(JSON.stringify({ req_id: '2', op: 'subscribe', args: ['publicTrade.LTCUSDT'] }));
    expect(await spot.next()).toMatchObject({ success: false, ret_msg: 'error:handler not found,topic:publicTrade.LTCUSDT', req_id: '2' });
    spot.ws.send(JSON.stringify({ req_id: '3', op: 'subscribe', args: ['orderbook.1.BTCUSDT'] }));
    expect(await spot.next()).toMatchObject({ success: false, req_id: '3' });
    const refused = new WebSocket(`${sim.wsBaseUrl}/v5/public/inverse`);
    const [err] = (await once(refused, 'error')) as [Error];
    expect(err.message).toBe('Unexpected server response: 404');
  });

  it('plays recorded pushes verbatim, and re-encodes a push whose fills were partly skipped', async () => {
    await setup();
    sim.skipNext(1, { symbol: 'BTCUSDT-SPOT' });
    const spot = await client('spot');
    spot.ws.send(JSON.stringify({ req_id: '1', op: 'subscribe', args: ['publicTrade.BTCUSDC', 'publicTrade.BTCUSDT'] }));
    await spot.next();
    await sim.drained(['BTCUSDT-SPOT', 'BTCUSDC-SPOT']);
    const pushes = [await spot.next(), await spot.next()];
    const byTopic = Object.fromEntries(pushes.map((p) => [p['topic'], p]));
    expect(byTopic['publicTrade.BTCUSDC']).toEqual(JSON.parse(recorded[3]!));
    const partial = byTopic['publicTrade.BTCUSDT'] as { ts: number; data: { i: string }[] };
    expect(partial.ts).toBe(1680652847526);
    expect(partial.data.map((d) => d.i)).toEqual(['2290000000050703790', '2290000000050703791', '2290000000050703792']);
    expect(sim.sentIds('BTCUSDT-SPOT', 'trade')).toEqual([2, 3, 4]);
    expect(sim.printedIds('BTCUSDT-SPOT', 'trade')).toEqual([1, 2, 3, 4]);
  });

  it("sends a push with a garbled fill cut short, and counts none of that push's fills as sent", async () => {
    await setup();
    sim.garbleNext(1, { symbol: 'BTCUSDT-SPOT' });
    const ws = new WebSocket(`${sim.wsBaseUrl}/v5/public/spot`);
    sockets.push(ws);
    const texts: string[] = [];
    ws.on('message', (data) => texts.push(String(data)));
    await once(ws, 'open');
    ws.send(JSON.stringify({ req_id: '1', op: 'subscribe', args: ['publicTrade.BTCUSDC', 'publicTrade.BTCUSDT'] }));
    await sim.drained(['BTCUSDT-SPOT', 'BTCUSDC-SPOT']);
    while (texts.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(texts.filter((t) => t === CUT_SHORT_FRAME)).toHaveLength(1);
    expect(texts.map((t) => t === CUT_SHORT_FRAME ? 'cut' : (JSON.parse(t) as { topic?: string }).topic ?? 'answer').sort())
      .toEqual(['answer', 'cut', 'publicTrade.BTCUSDC']);
    expect(sim.printedIds('BTCUSDT-SPOT', 'trade')).toEqual([1, 2, 3, 4]);
    expect(sim.sentIds('BTCUSDT-SPOT', 'trade')).toEqual([]);
    expect(sim.sentIds('BTCUSDC-SPOT', 'trade')).toEqual(sim.printedIds('BTCUSDC-SPOT', 'trade'));
    expect(sim.sentIds('BTCUSDC-SPOT', 'trade').length).toBeGreaterThan(0);
  });

  it('cuts a connection that neither pings nor receives data, as Bybit does after ten minutes', async () => {
    await setup({ idleCutMs: 150 });
    const quiet = await client('linear');
    const pinging = await client('linear');
    const timer = setInterval(() => pinging.ws.send(JSON.stringify({ op: 'ping' })), 40);
    try {
      await once(quiet.ws, 'close');
      expect(pinging.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(timer);
    }
  });
});

describe("Bybit simulator through ccxt's Bybit client (the real client library)", () => {
  function bybitClient(): InstanceType<typeof ccxt.bybit> {
    const ex = new ccxt.bybit({ options: { fetchMarkets: { types: ['spot', 'linear'] } } });
    ex.urls['api'] = { spot: sim.restBaseUrl, futures: sim.restBaseUrl, v2: sim.restBaseUrl, public: sim.restBaseUrl, private: sim.restBaseUrl };
    return ex;
  }

  it('lists both markets, reads klines newest-first into ascending OHLCV, reads recent trades', async () => {
    await setup({ frames: [...btcLinear, ...ethSpot], restHistory: 'all' });
    const ex = bybitClient();
    await ex.loadMarkets();
    expect(Object.keys(ex.markets ?? {}).sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT']);
    const end = Date.UTC(2024, 6, 19, 0, 2);
    const ohlcv = await ex.fetchOHLCV('BTC/USDT:USDT', '1m', undefined, 3, { end });
    expect(ohlcv.map((r) => r[0])).toEqual([end - 120_000, end - 60_000, end]);
    const trades = await ex.fetchTrades('ETH/USDT', undefined, 5);
    const tail = sim.timeline('ETHUSDT-SPOT').slice(-5);
    expect(trades.map((t) => [t.id, t.timestamp, t.side])).toEqual(tail.map((p) => [p.sourceId, p.tradeTimeMs, p.takerSide.toLowerCase()]));
  });

  it('surfaces the retCode inside an HTTP 200 as the error ccxt maps it to', async () => {
    await setup();
    const ex = bybitClient();
    await ex.loadMarkets();
    sim.failRetCode(10006, 'Too many visits!');
    await expect(ex.fetchTrades('LTC/USDT:USDT')).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
  });

  it('streams trades to ccxt pro over the simulated websocket', async () => {
    await setup({ frames: btcLinear, pace: { speed: 20 } });
    const ex = new ccxt.pro.bybit({ options: { fetchMarkets: { types: ['linear'] } } });
    ex.urls['api'] = {
      ...ex.urls['api'], spot: sim.restBaseUrl, futures: sim.restBaseUrl, v2: sim.restBaseUrl, public: sim.restBaseUrl, private: sim.restBaseUrl,
      ws: { public: { linear: `${sim.wsBaseUrl}/v5/public/linear`, spot: `${sim.wsBaseUrl}/v5/public/spot` } },
    };
    try {
      await ex.loadHttpProxyAgent();
      const got = await ex.watchTrades('BTC/USDT:USDT');
      expect(got.length).toBeGreaterThan(0);
      const printed = new Map(sim.printed('BTCUSDT').map((p) => [p.sourceId, p]));
      for (const t of got) {
        const p = printed.get(String(t.id))!;
        expect([t.timestamp, t.side, t.info['p'], t.info['v']]).toEqual([p.tradeTimeMs, p.takerSide.toLowerCase(), p.price, p.size]);
      }
    } finally {
      await ex.close();
    }
  });
});
