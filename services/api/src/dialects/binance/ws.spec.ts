import ccxt from 'ccxt';
import WebSocket from 'ws';
import { subjects } from '@exgate/bus';
import { eventually } from '@exgate/testing';
import { getJson, startHarness, type DialectHarness } from '../testing/harness';
import { pointAtExgate } from '../testing/ccxt';

jest.setTimeout(120_000);

/** 2024-07-19T00:05:00Z: the last minute of the capture; its prints are among those held back. */
const LAST_MIN = 1_721_347_500_000;
const HELD = 600;

let h: DialectHarness;
beforeAll(async () => {
  h = await startHarness({ holdBack: HELD });
});
afterAll(() => h.close());

type V1Kline = Record<string, string | number>;
async function v1Kline(symbol: string, openMs: number): Promise<V1Kline> {
  return ((await getJson(`${h.base}/v1/binance-usdm/exgate/kline/${symbol}/1m/${openMs}/${openMs}`)).body as { kline: V1Kline[] }).kline[0]!;
}

/** Plays the held-back prints in batches of 100, then moves the watermark past the last minute. */
async function playHeld(symbol: 'BTCUSDT' | 'ETHUSDT'): Promise<void> {
  const held = h.prints[symbol]!.slice(-HELD);
  for (let i = 0; i < held.length; i += 100) await h.feed(symbol, held.slice(i, i + 100));
  await h.feed(symbol, [], LAST_MIN + 60_000);
}

/** Every message of a socket, parsed. */
function collect(ws: WebSocket): Array<{ msg: Record<string, unknown> }> {
  const got: Array<{ msg: Record<string, unknown> }> = [];
  ws.on('message', (data: Buffer) => got.push({ msg: JSON.parse(data.toString()) as Record<string, unknown> }));
  return got;
}
const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));

describe('Binance websocket dialect', () => {
  it('ccxt.pro binanceusdm watchOHLCV follows the live candle to the stored closed minute', async () => {
    const pro = pointAtExgate(new ccxt.pro.binanceusdm(), h.base, h.wsBase);
    try {
      // ccxt's own requirement for a plain ws:// URL (a local exgate): one call, documented by ccxt.
      await pro.loadHttpProxyAgent();
      await pro.loadMarkets();
      const first = pro.watchOHLCV('BTC/USDT:USDT', '1m');
      await eventually(() => h.subscribers(subjects.candle('binance-usdm', 'BTCUSDT', '1m')) > 0, { what: "ccxt's kline subscription" });
      await playHeld('BTCUSDT');
      expect((await first).length).toBeGreaterThan(0);
      const closed = await v1Kline('BTCUSDT', LAST_MIN);
      expect(closed['state']).toBe('closed');
      const want = [LAST_MIN, Number(closed['open']), Number(closed['high']), Number(closed['low']), Number(closed['close']), Number(closed['volume'])];
      // The client's own candle cache, as its next watchOHLCV would return it (the closing update
      // may well have arrived already, so waiting for another one could wait forever).
      const cached = () => (pro.ohlcvs as Record<string, Record<string, number[][]>>)['BTC/USDT:USDT']?.['1m'] ?? [];
      const seen = await eventually(() => {
        const row = cached().find((r) => r[0] === LAST_MIN);
        return JSON.stringify(row) === JSON.stringify(want) && row;
      }, { what: 'the closed 00:05 candle through ccxt', timeoutMs: 20_000, intervalMs: 20 });
      expect(seen).toEqual(want);
    } finally {
      await pro.close();
    }
  });

  it('ccxt.pro binance (spot client) watchOHLCV reads binance-usdm through the exchange param of its SUBSCRIBE', async () => {
    const pro = pointAtExgate(new ccxt.pro.binance(), h.base, h.wsBase);
    try {
      await pro.loadHttpProxyAgent();
      await pro.loadMarkets(false, { exchange: 'binance-usdm' });
      const update = pro.watchOHLCV('BTC/USDT', '1m', undefined, undefined, { exchange: 'binance-usdm' });
      await eventually(() => h.subscribers(subjects.candle('binance-usdm', 'BTCUSDT', '1m')) > 0, { what: "ccxt's kline subscription" });
      const print = { ...h.prints['BTCUSDT']![0]!, id: 99_000_000_100, exchangeTimeMs: LAST_MIN + 4 * 60_000 + 30_000 };
      await h.feed('BTCUSDT', [print]);
      const ohlcv = await update;
      expect(ohlcv[ohlcv.length - 1]).toEqual([LAST_MIN + 4 * 60_000, ...Array(4).fill(Number(print.price)), Number(print.qty)]);
    } finally {
      await pro.close();
    }
  });

  it('combined stream: every aggTrade once in id order, forming klines, x:true equal to /v1 on close', async () => {
    const ws = new WebSocket(`${h.wsBase}/fstream/stream?streams=ethusdt@aggTrade/ethusdt@kline_1m`);
    const got = collect(ws);
    await opened(ws);
    await eventually(() => h.subscribers(subjects.trades('binance-usdm', 'ETHUSDT')) > 0 && h.subscribers(subjects.candle('binance-usdm', 'ETHUSDT', '1m')) > 0, { what: 'both subscriptions' });
    await playHeld('ETHUSDT');
    const closed = await v1Kline('ETHUSDT', LAST_MIN);
    await eventually(() => got.some((g) => (g.msg['data'] as { k?: { t: number; x: boolean } }).k?.x === true && (g.msg['data'] as { k: { t: number } }).k.t === LAST_MIN), { what: 'the closing kline' });
    ws.close();

    const held = h.prints['ETHUSDT']!.slice(-HELD).filter((t) => t.market);
    const aggs = got.filter((g) => g.msg['stream'] === 'ethusdt@aggTrade').map((g) => g.msg['data'] as Record<string, unknown>);
    expect(aggs.map((a) => a['a'])).toEqual(held.map((t) => t.id));
    expect(aggs[0]).toEqual({ e: 'aggTrade', E: held[0]!.eventTimeMs, s: 'ETHUSDT', a: held[0]!.id, p: held[0]!.price, q: held[0]!.qty, f: held[0]!.id, l: held[0]!.id, T: held[0]!.exchangeTimeMs, m: held[0]!.isBuyerMaker });

    const klines = got.filter((g) => g.msg['stream'] === 'ethusdt@kline_1m').map((g) => ({ k: (g.msg['data'] as { k: Record<string, unknown> }).k }));
    // Forming updates arrived (their pacing is CandleThrottle's, proven in throttle.spec.ts).
    expect(klines.filter((x) => x.k['x'] === false).length).toBeGreaterThan(0);
    const last = klines.find((x) => x.k['x'] === true && x.k['t'] === LAST_MIN)!.k;
    // Live candles spell decimals as Binance does ("3432.10"), the store in shortest form: compare values.
    const asValue = (v: unknown) => (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? v.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : v);
    expect(Object.fromEntries(Object.entries(last).map(([k, v]) => [k, asValue(v)]))).toEqual({
      t: LAST_MIN, T: LAST_MIN + 59_999, s: 'ETHUSDT', i: '1m', f: Number(closed['first_trade_id']), L: Number(closed['last_trade_id']),
      o: closed['open'], c: closed['close'], h: closed['high'], l: closed['low'], v: closed['volume'], n: closed['trade_count'], x: true,
      q: closed['quote_volume'], V: closed['taker_buy_volume'], Q: closed['taker_buy_quote_volume'], B: '0',
    });
  });

  it('SUBSCRIBE (with exchange=), LIST_SUBSCRIPTIONS, UNSUBSCRIBE, SET/GET_PROPERTY and errors in Binance words', async () => {
    const ws = new WebSocket(`${h.wsBase}/stream/ws`);
    const got = collect(ws);
    await opened(ws);
    const ask = async (request: unknown) => {
      const before = got.length;
      ws.send(typeof request === 'string' ? request : JSON.stringify(request));
      await eventually(() => got.length > before, { what: 'an answer' });
      return got[before]!.msg;
    };
    // Spot's default exchange (binance-spot) is not running here: the request names binance-usdm.
    expect(await ask({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'btcusdt@kline_5m'], id: 1, exchange: 'binance-usdm' })).toEqual({ result: null, id: 1 });
    expect(await ask({ method: 'LIST_SUBSCRIPTIONS', id: 2 })).toEqual({ result: ['btcusdt@trade', 'btcusdt@kline_5m'], id: 2 });
    expect(await ask({ method: 'UNSUBSCRIBE', params: ['btcusdt@kline_5m'], id: 3 })).toEqual({ result: null, id: 3 });
    expect(await ask({ method: 'SET_PROPERTY', params: ['combined', true], id: 4 })).toEqual({ result: null, id: 4 });
    expect(await ask({ method: 'GET_PROPERTY', params: ['combined'], id: 5 })).toEqual({ result: true, id: 5 });
    expect(await ask({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 6 })).toEqual({
      error: { code: 2, msg: expect.stringMatching(/^Data sent for parameter 'exchange' is not valid|this dialect reads binance-spot by default/) }, id: 6,
    });
    expect(await ask({ method: 'SUBSCRIBE', params: ['nopeusdt@trade'], id: 7, exchange: 'binance-usdm' })).toEqual({ error: { code: 2, msg: 'Invalid symbol. (exgate does not collect NOPEUSDT on binance-usdm)' }, id: 7 });
    expect(await ask({ method: 'SUBSCRIBE', params: ['btcusdt@depth'], id: 8, exchange: 'binance-usdm' })).toEqual({ error: { code: 2, msg: 'Invalid request: "btcusdt@depth" is not <symbol>@kline_<interval>, <symbol>@aggTrade or <symbol>@trade' }, id: 8 });
    expect(await ask({ method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 9 })).toEqual({ error: { code: 1, msg: 'Invalid value type: params must be an array of stream names' }, id: 9 });
    expect(await ask({ method: 'SET_PROPERTY', params: ['nope', true], id: 10 })).toEqual({ error: { code: 0, msg: 'Unknown property' }, id: 10 });
    expect(await ask({ method: 'PING', id: 11 })).toMatchObject({ error: { code: 2 }, id: 11 });
    expect(await ask('{not json')).toMatchObject({ error: { code: 3 }, id: null });
    expect(await ask({ method: 'LIST_SUBSCRIPTIONS', id: 12 })).toEqual({ result: ['btcusdt@trade'], id: 12 });

    // A raw trade pushed live, in the combined framing the client switched to.
    const trade = { ...h.prints['BTCUSDT']![0]!, id: 99_000_000_000, exchangeTimeMs: LAST_MIN + 120_000 };
    await h.feed('BTCUSDT', [trade]);
    await eventually(() => got.some((g) => g.msg['stream'] === 'btcusdt@trade'), { what: 'the trade event' });
    expect(got.find((g) => g.msg['stream'] === 'btcusdt@trade')!.msg['data']).toEqual({
      e: 'trade', E: trade.eventTimeMs, s: 'BTCUSDT', t: trade.id, p: trade.price, q: trade.qty, T: trade.exchangeTimeMs, m: trade.isBuyerMaker, M: true,
    });
    ws.close();
  });

  it('refuses streams it cannot serve with an HTTP 400 before the upgrade, ignores names that are not streams', async () => {
    expect(await getJson(`${h.base}/fstream/ws/nopeusdt@aggTrade`)).toMatchObject({ status: 400, body: { code: -1121 } });
    expect(await getJson(`${h.base}/fstream/ws/btcusdt@kline_1s`)).toMatchObject({ status: 400, body: { code: -1120, msg: 'Invalid interval. (binance-usdm has no 1s klines)' } });
    expect(await getJson(`${h.base}/fstream/ws/btcusdt@aggTrade`)).toMatchObject({ status: 400, body: { code: -1130, msg: 'this is a websocket endpoint: connect with an Upgrade request' } });
    expect(await getJson(`${h.base}/fstream/private/ws`)).toMatchObject({ status: 400, body: { code: -5000 } });
    const ws = new WebSocket(`${h.wsBase}/fstream/market/ws/0`);
    await opened(ws);
    ws.close();
  });
});
