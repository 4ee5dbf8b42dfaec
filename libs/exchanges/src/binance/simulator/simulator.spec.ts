import { once } from 'node:events';
import WebSocket from 'ws';
import { fixtureLines } from '@exgate/testing';
import { BinanceUsdmSimulator } from '../../binance-usdm/simulator';

const aggTrades2026 = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl');

let sim: BinanceUsdmSimulator;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.close();
});

/** A bare client: the text frames it receives, in order, awaitable by count. */
async function client(path: string): Promise<{ ws: WebSocket; frames: string[]; next: (n?: number) => Promise<string[]> }> {
  const ws = new WebSocket(`${sim.wsBaseUrl}${path}`);
  sockets.push(ws);
  const frames: string[] = [];
  let waiting: { n: number; resolve: (f: string[]) => void } | null = null;
  ws.on('message', (data) => {
    frames.push(String(data));
    if (waiting && frames.length >= waiting.n) waiting.resolve(frames.slice(0, waiting.n));
  });
  await once(ws, 'open');
  const next = (n = frames.length + 1): Promise<string[]> =>
    frames.length >= n ? Promise.resolve(frames.slice(0, n)) : new Promise((resolve) => { waiting = { n, resolve }; });
  return { ws, frames, next };
}

describe('BinanceUsdmSimulator websocket protocol', () => {
  it('speaks SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE on /market/ws, sending bare events', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { aggTrade: aggTrades2026 } } });
    sim.pause();
    const c = await client('/market/ws');
    c.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 1 }));
    expect(JSON.parse((await c.next(1))[0]!)).toEqual({ result: null, id: 1 });
    c.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
    expect(JSON.parse((await c.next(2))[1]!)).toEqual({ result: ['btcusdt@aggTrade'], id: 2 });
    sim.resume();
    const [, , first] = await c.next(3);
    expect(first).toBe(JSON.stringify((JSON.parse(aggTrades2026[0]!) as { data: unknown }).data));
    sim.pause();
    c.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@aggTrade'], id: 3 }));
    await once(sim, 'unsubscribe');
    expect(sim.subscriptions()).toEqual([[]]);
  });

  it('answers malformed commands with an error, as Binance does', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: {} });
    const c = await client('/market/ws');
    c.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['BTCUSDT@aggTrade'], id: 7 }));
    expect(JSON.parse((await c.next(1))[0]!)).toMatchObject({ error: { code: 2 }, id: 7 });
  });

  it('delivers nothing of a /market stream on an unrouted connection (the 2026-04 change)', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { aggTrade: aggTrades2026 } } });
    const legacy = await client('/stream?streams=btcusdt@aggTrade');
    await sim.drained();
    expect(legacy.frames).toEqual([]);
    expect(sim.sentIds('BTCUSDT', 'aggTrade')).toEqual([]);
    expect(sim.printedIds('BTCUSDT', 'aggTrade')).toHaveLength(aggTrades2026.length);
  });

  it('refuses paths Binance does not serve', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: {} });
    const ws = new WebSocket(`${sim.wsBaseUrl}/market/nope`);
    sockets.push(ws);
    const [error] = (await once(ws, 'error')) as [Error];
    expect(error.message).toMatch(/404/);
  });

  it('closes a connection that sends more than 10 messages a second', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: {} });
    const c = await client('/market/ws');
    const closed = once(c.ws, 'close');
    for (let i = 0; i < 12; i++) c.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: i }));
    const [code] = (await closed) as [number];
    expect(code).toBe(1008);
  });
});
