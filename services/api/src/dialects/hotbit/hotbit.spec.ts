import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { subjects } from '@exgate/bus';
import { compareDecimalStrings } from '@exgate/domain';
import { eventually } from '@exgate/testing';
import { getJson, startHarness, NOW_MS, type DialectHarness } from '../testing/harness';

jest.setTimeout(120_000);

/** 2024-07-18T23:57:00Z .. 2024-07-19T00:05:00Z: the minutes of the capture. */
const FIRST_MIN = 1_721_347_020_000;
const LAST_MIN = 1_721_347_500_000;
const HELD = 400;
const s = (ms: number) => Math.floor(ms / 1000);

let h: DialectHarness;
beforeAll(async () => {
  h = await startHarness({ holdBack: HELD });
});
afterAll(() => h.close());

type V1Kline = Record<string, string | number>;
async function v1(symbol: string, interval: string, fromMs: number, toMs: number): Promise<V1Kline[]> {
  return ((await getJson(`${h.base}/v1/binance-usdm/exgate/kline/${symbol}/${interval}/${fromMs}/${toMs}?limit=1500`)).body as { kline: V1Kline[] }).kline;
}
const row = (k: V1Kline) => [s(k['open_time'] as number), k['open'], k['close'], k['high'], k['low'], k['volume'], k['quote_volume'], 'BTCUSDT'];
const p1 = (method: string, query: string) => getJson(`${h.base}/v2/p1/${method}?exchange=binance-usdm${query ? `&${query}` : ''}`);
const sumOf = (xs: string[]) => xs.reduce((a, b) => { const [ai = '0', af = ''] = a.split('.'); const [bi = '0', bf = ''] = b.split('.'); const w = Math.max(af.length, bf.length); const t = (BigInt(ai + af.padEnd(w, '0')) + BigInt(bi + bf.padEnd(w, '0'))).toString().padStart(w + 1, '0'); return w === 0 ? t : `${t.slice(0, -w)}.${t.slice(-w)}`; }, '0');

describe('HotBit REST dialect, /v2/p1/', () => {
  it('market.kline: [time_s, open, close, high, low, volume, amount, market] rows equal /v1, any HotBit market spelling', async () => {
    for (const [seconds, interval] of [[60, '1m'], [300, '5m'], [86400, '1d']] as const) {
      const res = await p1('market.kline', `market=BTC/USDT&start_time=${s(FIRST_MIN) - 86_400}&end_time=${s(LAST_MIN)}&interval=${seconds}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ error: null, result: (await v1('BTCUSDT', interval, FIRST_MIN - 86_400_000, LAST_MIN)).map(row), id: 0 });
    }
    const same = await p1('market.kline', `market=btc_usdt&start_time=${s(FIRST_MIN)}&end_time=${s(LAST_MIN)}&interval=60`);
    expect((same.body as { result: unknown[] }).result).toEqual((await v1('BTCUSDT', '1m', FIRST_MIN, LAST_MIN)).map(row));
  });

  it('market.deals newest first (above last_id), market.last, market.list, market.summary, server.time', async () => {
    const stored = h.prints['BTCUSDT']!.slice(0, -HELD).filter((t) => t.market);
    const newest = stored.slice(-5).reverse();
    expect((await p1('market.deals', 'market=BTCUSDT&limit=5')).body).toEqual({
      error: null, id: 0,
      result: newest.map((t) => ({ id: t.id, time: s(t.exchangeTimeMs), price: t.price.replace(/\.?0+$/, ''), amount: t.qty.replace(/\.?0+$/, ''), type: t.isBuyerMaker ? 'sell' : 'buy' })),
    });
    const after = (await p1('market.deals', `market=BTCUSDT&limit=5&last_id=${newest[2]!.id}`)).body as { result: Array<{ id: number }> };
    expect(after.result.map((d) => d.id)).toEqual([newest[0]!.id, newest[1]!.id]);
    expect((await p1('market.last', 'market=BTC/USDT')).body).toEqual({ error: null, result: stored.at(-1)!.price.replace(/\.?0+$/, ''), id: 0 });
    expect((await p1('market.list', '')).body).toEqual({
      error: null, id: 0,
      result: ['BTC', 'ETH'].map((stock) => ({ name: `${stock}USDT`, stock, money: 'USDT', fee_prec: 4, stock_prec: 8, money_prec: 8, min_amount: '0' })),
    });
    expect((await p1('market.summary', `markets=${encodeURIComponent('["ETHUSDT"]')}`)).body).toEqual({
      error: null, id: 0, result: [{ name: 'ETHUSDT', ask_count: 0, ask_amount: '0', bid_count: 0, bid_amount: '0' }],
    });
    expect((await p1('server.time', '')).body).toEqual({ error: null, result: s(NOW_MS), id: 0 });
  });

  it('market.status over a period, status_today, status24h and allticker fold the stored candles exactly', async () => {
    const minutes = await v1('BTCUSDT', '1m', NOW_MS - 600_000, NOW_MS);
    const last = h.prints['BTCUSDT']!.slice(0, -HELD).filter((t) => t.market).at(-1)!.price.replace(/\.?0+$/, '');
    const max = (xs: string[]) => xs.reduce((a, b) => (compareDecimalStrings(a, b) >= 0 ? a : b));
    const min = (xs: string[]) => xs.reduce((a, b) => (compareDecimalStrings(a, b) <= 0 ? a : b));
    const expected = {
      period: 600, last, open: minutes[0]!['open'], close: minutes.at(-1)!['close'],
      high: max(minutes.map((k) => k['high'] as string)), low: min(minutes.map((k) => k['low'] as string)),
      volume: sumOf(minutes.map((k) => k['volume'] as string)), deal: sumOf(minutes.map((k) => k['quote_volume'] as string)),
    };
    const status = (await p1('market.status', 'market=BTCUSDT&period=600')).body as { result: Record<string, string | number> };
    expect(Object.keys(status.result)).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(expected)) {
      expect(typeof v === 'number' ? status.result[k] === v : compareDecimalStrings(status.result[k] as string, v as string) === 0).toBe(true);
    }
    const day = (await v1('BTCUSDT', '1d', Date.parse('2024-07-19T00:00:00Z'), Date.parse('2024-07-19T00:00:00Z')))[0]!;
    expect((await p1('market.status_today', 'market=BTCUSDT')).body).toEqual({
      error: null, id: 0, result: { open: day['open'], last, high: day['high'], low: day['low'], volume: day['volume'], deal: day['quote_volume'] },
    });
    const all = (await p1('market.status24h', '')).body as { result: Record<string, { period: number; last: string }> };
    expect(Object.keys(all.result)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(all.result['BTCUSDT']).toMatchObject({ period: 86_400, last });
    const ticker = (await p1('allticker', '')).body as { date: number; ticker: Array<Record<string, string>> };
    expect(ticker.date).toBe(s(NOW_MS));
    expect(ticker.ticker[0]).toMatchObject({ symbol: 'BTC_USDT', buy: '0', sell: '0', last, open: all.result['BTCUSDT']!['open' as 'last'] });
  });

  it("bad input gets HotBit's envelope with a 4xx", async () => {
    const cases: Array<[string, number, number, string | RegExp]> = [
      ['market.kline?exchange=binance-usdm&market=BTCUSDT&start_time=1&end_time=2&interval=120', 400, 1, 'invalid argument: interval 120 is not one of 60, 180, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800, 43200, 86400, 259200, 604800, 2592000 (seconds)'],
      ['market.kline?exchange=binance-usdm&market=BTCUSDT&start_time=x&end_time=2&interval=60', 400, 1, 'invalid argument: start_time must be an integer in 0..253402300799, got "x"'],
      ['market.kline?exchange=binance-usdm&market=BTCUSDT&start_time=0&end_time=1721347500&interval=60', 400, 1, 'invalid argument: start_time..end_time holds more than 10000 candles of 60 s'],
      ['market.deals?exchange=binance-usdm&market=NOPE/USDT', 404, 1, 'invalid argument: exgate does not collect NOPEUSDT on binance-usdm'],
      ['market.deals?exchange=binance-usdm', 400, 1, 'invalid argument: market is required'],
      ['market.deals?exchange=binance-usdm&market=BTCUSDT&limit=1001', 400, 1, 'invalid argument: limit must be an integer in 1..1000, got "1001"'],
      ['market.status?exchange=binance-usdm&market=BTCUSDT', 400, 1, 'invalid argument: period must be an integer in 1..315360000, got "undefined"'],
      ['market.nope', 404, 4, 'method not found: no route GET /v2/p1/market.nope'],
      ['market.last?market=BTCUSDT', 400, 1, /^invalid argument: this dialect reads hotbit by default, which is not (enabled on this exgate|an exchange exgate knows)/],
    ];
    for (const [path, status, code, message] of cases) {
      const res = await getJson(`${h.base}/v2/p1/${path}`);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status, body: { error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) }, result: null, id: 0 } });
    }
  });
});

/** A HotBit websocket client as HotBit's own demos wrote it: every frame gunzipped. */
function hotbitClient(query: string) {
  const ws = new WebSocket(`${h.wsBase}/v2/?exchange=binance-usdm${query}`);
  const got: Array<Record<string, unknown>> = [];
  const binary: boolean[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    binary.push(isBinary);
    got.push(JSON.parse((isBinary ? gunzipSync(data) : data).toString('utf8')) as Record<string, unknown>);
  });
  let next = 1;
  const call = async (method: string, params: unknown[]) => {
    const id = next++;
    ws.send(JSON.stringify({ method, params, id }));
    return eventually(() => got.find((m) => m['id'] === id), { what: `the answer to ${method}` });
  };
  const opened = new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  return { ws, got, binary, call, opened };
}

/** The answer to request `id` came before the first `method` push. */
function firstAfter(got: readonly Record<string, unknown>[], id: number, method: string): boolean {
  const answer = got.findIndex((m) => m['id'] === id);
  const push = got.findIndex((m) => m['method'] === method);
  return answer >= 0 && push > answer;
}

describe('HotBit websocket dialect, /v2/', () => {
  it('answers queries and pushes deals, klines and prices live, in gzip-compressed binary frames', async () => {
    const c = hotbitClient('');
    await c.opened;
    expect(await c.call('server.ping', [])).toEqual({ error: null, result: 'pong', id: 1 });
    expect(await c.call('server.time', [])).toEqual({ error: null, result: s(NOW_MS), id: 2 });
    const rest = (await p1('market.kline', `market=BTCUSDT&start_time=${s(FIRST_MIN)}&end_time=${s(LAST_MIN)}&interval=60`)).body as { result: unknown[] };
    expect(await c.call('kline.query', ['BTCUSDT', s(FIRST_MIN), s(LAST_MIN), 60])).toEqual({ error: null, result: rest.result, id: 3 });

    expect(await c.call('deals.subscribe', ['BTCUSDT'])).toEqual({ error: null, result: { status: 'success' }, id: 4 });
    expect(await c.call('kline.subscribe', ['BTCUSDT', 60])).toEqual({ error: null, result: { status: 'success' }, id: 5 });
    expect(await c.call('price.subscribe', ['BTCUSDT'])).toEqual({ error: null, result: { status: 'success' }, id: 6 });
    const stored = h.prints['BTCUSDT']!.slice(0, -HELD).filter((t) => t.market);
    // The first push is the newest 100 stored deals, newest first, time in seconds with the milliseconds.
    const firstDeals = await eventually(() => c.got.find((m) => m['method'] === 'deals.update'), { what: 'the first deals push' });
    expect(firstDeals).toEqual({
      method: 'deals.update', id: null,
      params: ['BTCUSDT', stored.slice(-100).reverse().map((t) => ({ id: t.id, time: t.exchangeTimeMs / 1000, price: expect.any(String), amount: expect.any(String), type: t.isBuyerMaker ? 'sell' : 'buy' }))],
    });
    // A subscribe's answer comes before the subscription's first push, as HotBit sends them.
    await eventually(() => c.got.some((m) => m['method'] === 'price.update'), { what: 'the first price push' });
    expect(firstAfter(c.got, 4, 'deals.update')).toBe(true);
    expect(firstAfter(c.got, 6, 'price.update')).toBe(true);
    await eventually(() => h.subscribers(subjects.candle('binance-usdm', 'BTCUSDT', '1m')) > 0 && h.subscribers(subjects.trades('binance-usdm', 'BTCUSDT')) >= 2, { what: 'the live subscriptions' });

    const held = h.prints['BTCUSDT']!.slice(-HELD);
    for (let i = 0; i < held.length; i += 100) await h.feed('BTCUSDT', held.slice(i, i + 100));
    await h.feed('BTCUSDT', [], LAST_MIN + 60_000);
    const closed = (await v1('BTCUSDT', '1m', LAST_MIN, LAST_MIN))[0]!;
    // Live candles spell decimals as Binance does ("63960.00"), the store in shortest form: compare values.
    const sameRow = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => (typeof x === 'string' && /^[\d.]+$/.test(x) ? compareDecimalStrings(x, b[i] as string) === 0 : x === b[i]));
    const lastKline = () => c.got.filter((m) => m['method'] === 'kline.update').map((m) => (m['params'] as unknown[][])[0]!).filter((r) => r[0] === s(LAST_MIN)).at(-1);
    await eventually(() => { const r = lastKline(); return r !== undefined && sameRow(r, row(closed)); }, { what: 'the closed minute pushed' });
    const liveDeals = c.got.filter((m) => m['method'] === 'deals.update').slice(1).flatMap((m) => (m['params'] as [string, Array<{ id: number }>])[1].slice().reverse());
    expect(liveDeals.map((d) => d.id)).toEqual(held.filter((t) => t.market).map((t) => t.id));
    const prices = c.got.filter((m) => m['method'] === 'price.update').map((m) => m['params'] as [string, string]);
    expect(prices.at(-1)![0]).toBe('BTCUSDT');
    expect(compareDecimalStrings(prices.at(-1)![1], held.filter((t) => t.market).at(-1)!.price)).toBe(0);
    expect(c.binary.every(Boolean)).toBe(true);

    expect(await c.call('deals.unsubscribe', [])).toMatchObject({ result: { status: 'success' } });
    await eventually(() => h.subscribers(subjects.trades('binance-usdm', 'BTCUSDT')) === 1, { what: 'the deals subscription dropped' });
    c.ws.close();
  });

  it('speaks text with ?compress=false; errors are ViaBTC codes; state and today push their snapshot', async () => {
    const c = hotbitClient('&compress=false');
    await c.opened;
    expect(await c.call('nope.method', [])).toEqual({ error: { code: 4, message: 'method not found: no method "nope.method"' }, result: null, id: 1 });
    expect(await c.call('kline.query', ['BTCUSDT', 1, 2, 7])).toEqual({ error: { code: 1, message: expect.stringMatching(/^invalid argument: interval 7 is not one of/) }, result: null, id: 2 });
    expect(await c.call('deals.query', ['XYZ/USDT', 10, 0])).toEqual({ error: { code: 1, message: 'invalid argument: exgate does not collect XYZUSDT on binance-usdm' }, result: null, id: 3 });
    expect(await c.call('state.query', ['BTCUSDT', 86_400])).toMatchObject({ error: null, result: { period: 86_400 }, id: 4 });
    expect(await c.call('state.subscribe', ['BTCUSDT', 'ETHUSDT'])).toEqual({ error: null, result: { status: 'success' }, id: 5 });
    await eventually(() => c.got.filter((m) => m['method'] === 'state.update').length === 2, { what: 'a state push per market' });
    expect(c.got.filter((m) => m['method'] === 'state.update').map((m) => (m['params'] as [string])[0]).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(await c.call('today.subscribe', ['ETHUSDT'])).toEqual({ error: null, result: { status: 'success' }, id: 6 });
    await eventually(() => c.got.some((m) => m['method'] === 'today.update'), { what: 'the today push' });
    expect(firstAfter(c.got, 5, 'state.update')).toBe(true);
    expect(firstAfter(c.got, 6, 'today.update')).toBe(true);
    expect(c.binary.every((b) => !b)).toBe(true);
    c.ws.send('{oops');
    await eventually(() => c.got.some((m) => m['id'] === null && (m['error'] as { code?: number } | null)?.code === 1), { what: 'the invalid-JSON answer' });
    c.ws.close();
  });

  it('refuses a bad exchange or switch with an HTTP 400 in the envelope before the upgrade', async () => {
    expect(await getJson(`${h.base}/v2/?exchange=nope`)).toMatchObject({ status: 400, body: { error: { code: 1 }, result: null } });
    expect(await getJson(`${h.base}/v2/?exchange=binance-usdm&compress=maybe`)).toMatchObject({ status: 400, body: { error: { code: 1, message: 'invalid argument: compress must be true or false' } } });
    expect(await getJson(`${h.base}/v2/?exchange=binance-usdm`)).toMatchObject({ status: 400, body: { error: { code: 1, message: 'invalid argument: this is a websocket endpoint: connect with an Upgrade request' } } });
  });
});
