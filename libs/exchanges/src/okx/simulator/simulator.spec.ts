import { once } from 'node:events';
import ccxt from 'ccxt';
import WebSocket from 'ws';
import { fixtureLines } from '@exgate/testing';
import { EPOCH_SPAN } from '../listing';
import { OkxSimulator, okxFramesFromBinance, type OkxSimulatorOptions } from '.';

const tardis = fixtureLines('okx', 'tardis-node-mappers-test-trade-messages.jsonl');
const btc = okxFramesFromBinance(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 500));

let sim: OkxSimulator;
const sockets: WebSocket[] = [];

async function setup(options: Partial<OkxSimulatorOptions> = {}): Promise<void> {
  sim = await OkxSimulator.start({ frames: [tardis[1]!, ...btc], ...options });
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.close();
});

/** A raw client: every frame it receives as text. */
async function client(path = '/ws/v5/business'): Promise<{ ws: WebSocket; next: () => Promise<string> }> {
  const ws = new WebSocket(`${sim.wsBaseUrl}${path}`);
  sockets.push(ws);
  const frames: string[] = [];
  const waiting: ((f: string) => void)[] = [];
  ws.on('message', (data) => {
    const w = waiting.shift();
    if (w) w(String(data));
    else frames.push(String(data));
  });
  await once(ws, 'open');
  return { ws, next: () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
}
const json = async (c: { next: () => Promise<string> }) => JSON.parse(await c.next()) as Record<string, unknown>;

describe('OKX simulator: the v5 public websocket protocol', () => {
  it('acknowledges each argument of a subscribe, then pushes recorded trades-all frames verbatim', async () => {
    await setup();
    const c = await client();
    c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades-all', instId: 'BSV-USDT' }, { channel: 'trades-all', instId: 'BTC-USDT' }] }));
    expect(await json(c)).toMatchObject({ event: 'subscribe', arg: { channel: 'trades-all', instId: 'BSV-USDT' }, connId: expect.any(String) });
    expect(await json(c)).toMatchObject({ event: 'subscribe', arg: { channel: 'trades-all', instId: 'BTC-USDT' } });
    await sim.drained(['BSV-USDT']);
    const pushes: string[] = [];
    for (let n = 0; n < 501; n++) pushes.push(await c.next());
    expect(pushes).toContain(tardis[1]);
    expect(sim.sentIds('BTC-USDT', 'trade')).toEqual(sim.printedIds('BTC-USDT', 'trade'));
  });

  it("answers the text ping with the text pong, and refuses in OKX's words (60012, 60018)", async () => {
    await setup();
    const c = await client();
    c.ws.send('ping');
    expect(await c.next()).toBe('pong');
    c.ws.send('{"op":"subscribe"');
    expect(await json(c)).toMatchObject({ event: 'error', code: '60012', msg: expect.stringMatching(/^Invalid request/) });
    c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades-all', instId: 'LTC-USDT' }] }));
    expect(await json(c)).toMatchObject({ event: 'error', code: '60018', msg: expect.stringContaining("instId:LTC-USDT doesn't exist") });
    const pub = await client('/ws/v5/public');
    pub.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades-all', instId: 'BTC-USDT' }] }));
    expect(await json(pub)).toMatchObject({ event: 'error', code: '60018' });
    pub.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] }));
    expect(await json(pub)).toMatchObject({ event: 'subscribe', arg: { channel: 'trades', instId: 'BTC-USDT' } });
    const push = await json(pub);
    expect(push).toMatchObject({ arg: { channel: 'trades' }, data: [{ instId: 'BTC-USDT', count: '1' }] });
    const refused = new WebSocket(`${sim.wsBaseUrl}/ws/v5/private`);
    const [err] = (await once(refused, 'error')) as [Error];
    expect(err.message).toBe('Unexpected server response: 404');
  });

  it('cuts a connection that receives nothing for the idle time, as OKX does after 30 s', async () => {
    await setup({ idleCutMs: 150 });
    const quiet = await client();
    const pinging = await client();
    const timer = setInterval(() => pinging.ws.send('ping'), 40);
    try {
      await once(quiet.ws, 'close');
      expect(pinging.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(timer);
    }
  });

  it('lists a relisting as a new listing in a later epoch once its first fill printed; REST serves only it', async () => {
    const day = 86_400_000;
    const again = btc.slice(0, 10).map((f, n) => f.replace(/"tradeId":"\d+"/, `"tradeId":"${n + 1}"`).replace(/"ts":"(\d+)"/, (_m, ts: string) => `"ts":"${Number(ts) + 60 * day}"`));
    await setup({ frames: [...btc.slice(0, 20), ...again], pace: 'asap' });
    const listTime = async () => {
      const res = await fetch(`${sim.restBaseUrl}/api/v5/public/instruments?instType=SPOT`);
      return Number(((await res.json()) as { data: { listTime: string }[] }).data[0]!.listTime);
    };
    const before = await listTime();
    const c = await client();
    c.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'trades-all', instId: 'BTC-USDT' }] }));
    await sim.drained();
    expect(await listTime()).toBeGreaterThan(before + 59 * day);
    const ids = sim.printedIds('BTC-USDT', 'trade');
    expect(ids[20]! - ids[19]!).toBeGreaterThan(EPOCH_SPAN / 2);
    const res = await fetch(`${sim.restBaseUrl}/api/v5/market/history-trades?instId=BTC-USDT&limit=100`);
    expect(((await res.json()) as { data: { tradeId: string }[] }).data.map((t) => t.tradeId)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
  });

  it('answers 429 (code 50011) past 20 history requests in 2 s, and 51001 for an unknown instrument', async () => {
    await setup();
    const statuses: number[] = [];
    for (let n = 0; n < 21; n++) statuses.push((await fetch(`${sim.restBaseUrl}/api/v5/market/history-trades?instId=BTC-USDT`)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    const limited = await fetch(`${sim.restBaseUrl}/api/v5/market/history-candles?instId=BTC-USDT`);
    expect([limited.status, await limited.json()]).toEqual([429, { code: '50011', msg: 'Too Many Requests', data: [] }]);
    const unknown = await fetch(`${sim.restBaseUrl}/api/v5/market/trades?instId=XRP-USDT`);
    expect(await unknown.json()).toEqual({ code: '51001', msg: 'Instrument ID does not exist', data: [] });
  });
});

describe("OKX simulator through ccxt's OKX client (the real client library)", () => {
  it('lists markets with ctVal, reads candles newest-first into ascending OHLCV, reads recent trades', async () => {
    await setup({ frames: btc, restHistory: 'all', extraSymbols: ['BTC-USDT-SWAP'] });
    const ex = new ccxt.okx({ options: { fetchMarkets: { types: ['spot', 'swap'] } } });
    ex.urls['api'] = { rest: sim.restBaseUrl };
    await ex.loadMarkets();
    expect(Object.keys(ex.markets ?? {}).sort()).toEqual(['BTC/USDT', 'BTC/USDT:USDT']);
    expect(ex.markets?.['BTC/USDT:USDT']?.contractSize).toBe(0.01);
    const trades = await ex.fetchTrades('BTC/USDT', undefined, 5);
    const tail = sim.timeline('BTC-USDT').slice(-5);
    expect(trades.map((t) => [t.id, t.timestamp, t.side])).toEqual(tail.map((p) => [p.tradeId, Number(p.ts), p.side]));
    const ohlcv = await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 2);
    expect(ohlcv.length).toBe(2);
    expect(ohlcv[0]![0]).toBeLessThan(ohlcv[1]![0]!);
  });
});
