import ccxt from 'ccxt';
import { getJson, startHarness, type DialectHarness } from '../testing/harness';
import { pointAtExgate } from '../testing/ccxt';

jest.setTimeout(120_000);

/** 2024-07-18T23:57:00Z and 2024-07-19T00:05:00Z: the first and last minute of the capture. */
const FIRST_MIN = 1_721_347_020_000;
const LAST_MIN = 1_721_347_500_000;

let h: DialectHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

type V1Kline = Record<string, string | number>;
async function v1Klines(symbol: string, interval: string, fromMs: number, toMs: number): Promise<V1Kline[]> {
  return ((await getJson(`${h.base}/v1/binance-usdm/exgate/kline/${symbol}/${interval}/${fromMs}/${toMs}?limit=1500`)).body as { kline: V1Kline[] }).kline;
}
const ohlcvOf = (k: V1Kline) => [k['open_time'], Number(k['open']), Number(k['high']), Number(k['low']), Number(k['close']), Number(k['volume'])];

describe('Binance REST dialect through ccxt, unmodified but for its URLs', () => {
  it('binanceusdm: loadMarkets lists what exgate collects, fetchOHLCV equals /v1, fetchTrades the stored prints', async () => {
    const usdm = pointAtExgate(new ccxt.binanceusdm(), h.base, h.wsBase);
    const markets = await usdm.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    expect(markets['BTC/USDT:USDT']).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', settle: 'USDT', swap: true, linear: true, active: true });

    for (const timeframe of ['1m', '5m', '1h'] as const) {
      const ohlcv = await usdm.fetchOHLCV('BTC/USDT:USDT', timeframe, FIRST_MIN - 3_600_000, 100);
      const ours = await v1Klines('BTCUSDT', timeframe, FIRST_MIN - 3_600_000, LAST_MIN);
      expect(ohlcv.length).toBeGreaterThan(0);
      expect(ohlcv).toEqual(ours.slice(0, 100).map(ohlcvOf));
    }

    const since = h.prints['BTCUSDT']![100]!.exchangeTimeMs;
    const trades = await usdm.fetchTrades('BTC/USDT:USDT', since, 50);
    const expected = h.prints['BTCUSDT']!.filter((t) => t.market && t.exchangeTimeMs >= since).slice(0, 50);
    expect(trades.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side])).toEqual(
      expected.map((t) => [String(t.id), t.exchangeTimeMs, Number(t.price), Number(t.qty), t.isBuyerMaker ? 'sell' : 'buy']),
    );
  });

  it('binance (spot client, every market type): reads binance-usdm through exchange=, same values', async () => {
    const spot = pointAtExgate(new ccxt.binance(), h.base, h.wsBase);
    const params = { exchange: 'binance-usdm' };
    const markets = await spot.loadMarkets(false, params);
    // /api/v3 and /fapi/v1 both list exgate's binance-usdm symbols; /dapi/v1 lists none.
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'BTC/USDT:USDT', 'ETH/USDT', 'ETH/USDT:USDT']);
    const ohlcv = await spot.fetchOHLCV('ETH/USDT', '1m', FIRST_MIN, 20, params);
    expect(ohlcv).toEqual((await v1Klines('ETHUSDT', '1m', FIRST_MIN, LAST_MIN)).slice(0, 20).map(ohlcvOf));
    const trades = await spot.fetchTrades('ETH/USDT', undefined, 5, params);
    const last = h.prints['ETHUSDT']!.filter((t) => t.market).slice(-5);
    expect(trades.map((t) => [t.id, t.price, t.amount])).toEqual(last.map((t) => [String(t.id), Number(t.price), Number(t.qty)]));
  });
});

describe('Binance REST dialect, the wire', () => {
  it('klines: 12-column rows whose strings equal /v1 exgate/kline, with the weight header', async () => {
    const res = await getJson(`${h.base}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=${FIRST_MIN}&endTime=${LAST_MIN}`);
    expect(res.status).toBe(200);
    const ours = await v1Klines('BTCUSDT', '1m', FIRST_MIN, LAST_MIN);
    expect(res.body).toEqual(ours.map((k) => [
      k['open_time'], k['open'], k['high'], k['low'], k['close'], k['volume'], k['close_time'], k['quote_volume'], k['trade_count'], k['taker_buy_volume'], k['taker_buy_quote_volume'], '0',
    ]));
    expect(Number(res.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThanOrEqual(5);
    const again = await getJson(`${h.base}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=${FIRST_MIN}&endTime=${LAST_MIN}&limit=99`);
    expect(Number(again.headers.get('x-mbx-used-weight-1m'))).toBe(Number(res.headers.get('x-mbx-used-weight-1m')) + 1);
  });

  it('klines without times are the newest up to now; limit bounds are 1500 (futures) and 1000 (spot)', async () => {
    // "Now" is 00:06: the three newest minutes are 00:04, 00:05 and 00:06, and nothing traded at 00:06 yet.
    const newest = (await getJson(`${h.base}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=3`)).body as unknown[][];
    expect(newest.map((r) => r[0])).toEqual([LAST_MIN - 60_000, LAST_MIN]);
    expect((await getJson(`${h.base}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500`)).status).toBe(200);
    expect((await getJson(`${h.base}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1501`)).body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid. (1..1500)" });
    expect((await getJson(`${h.base}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001&exchange=binance-usdm`)).body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid. (1..1000)" });
  });

  it('aggTrades by fromId, by time (at most an hour) and the newest; trades with an exact quoteQty', async () => {
    const prints = h.prints['BTCUSDT']!.filter((t) => t.market);
    const from = prints[10]!;
    const byId = (await getJson(`${h.base}/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${from.id}&limit=3`)).body;
    expect(byId).toEqual(prints.slice(10, 13).map((t) => ({ a: t.id, p: t.price.replace(/\.?0+$/, ''), q: t.qty.replace(/\.?0+$/, ''), f: t.id, l: t.id, T: t.exchangeTimeMs, m: t.isBuyerMaker })));
    const byTime = (await getJson(`${h.base}/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${from.exchangeTimeMs}&endTime=${from.exchangeTimeMs + 3_600_000}&limit=2`)).body as Array<{ a: number }>;
    expect(byTime.map((r) => r.a)).toEqual(prints.filter((t) => t.exchangeTimeMs >= from.exchangeTimeMs).slice(0, 2).map((t) => t.id));
    expect((await getJson(`${h.base}/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${FIRST_MIN}&endTime=${FIRST_MIN + 3_600_001}`)).body).toEqual({ code: -1127, msg: 'More than 1 hours between startTime and endTime.' });

    const trades = (await getJson(`${h.base}/fapi/v1/trades?symbol=BTCUSDT&limit=2`)).body;
    const last = prints.slice(-2);
    const exact = (p: string, q: string) => (BigInt(p.replace('.', '')) * BigInt(q.replace('.', ''))).toString();
    expect((trades as Array<{ id: number; quoteQty: string }>).map((t) => t.id)).toEqual(last.map((t) => t.id));
    for (const [i, t] of (trades as Array<{ price: string; qty: string; quoteQty: string; isBuyerMaker: boolean; time: number }>).entries()) {
      expect(Object.keys(t)).toEqual(['id', 'price', 'qty', 'quoteQty', 'time', 'isBuyerMaker']);
      const scale = (t.price.split('.')[1] ?? '').length + (t.qty.split('.')[1] ?? '').length;
      const digits = exact(t.price, t.qty).padStart(scale + 1, '0');
      const product = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
      expect(t.quoteQty).toBe(product);
      expect(t.time).toBe(last[i]!.exchangeTimeMs);
    }
    const spot = (await getJson(`${h.base}/api/v3/trades?symbol=BTCUSDT&limit=1&exchange=binance-usdm`)).body as Array<Record<string, unknown>>;
    expect(spot[0]).toMatchObject({ id: last[1]!.id, isBestMatch: true });
  });

  it('exchangeInfo, time and ping in Binance shapes; COIN-M lists nothing', async () => {
    const info = (await getJson(`${h.base}/fapi/v1/exchangeInfo`)).body as { symbols: Array<Record<string, unknown>>; timezone: string; serverTime: number };
    expect(info).toMatchObject({ timezone: 'UTC', serverTime: h.clock.nowMs() });
    expect(info.symbols.map((s) => [s['symbol'], s['baseAsset'], s['quoteAsset'], s['contractType'], s['status']])).toEqual([
      ['BTCUSDT', 'BTC', 'USDT', 'PERPETUAL', 'TRADING'],
      ['ETHUSDT', 'ETH', 'USDT', 'PERPETUAL', 'TRADING'],
    ]);
    const one = (await getJson(`${h.base}/api/v3/exchangeInfo?symbols=${encodeURIComponent('["ETHUSDT"]')}&exchange=binance-usdm`)).body as { symbols: Array<Record<string, unknown>> };
    expect(one.symbols.map((s) => [s['symbol'], s['permissions']])).toEqual([['ETHUSDT', ['SPOT']]]);
    expect((await getJson(`${h.base}/dapi/v1/exchangeInfo`)).body).toMatchObject({ symbols: [] });
    expect((await getJson(`${h.base}/fapi/v1/time`)).body).toEqual({ serverTime: h.clock.nowMs() });
    expect((await getJson(`${h.base}/api/v3/ping`)).body).toEqual({});
  });

  it("bad input gets Binance's {code, msg} and a 4xx", async () => {
    const cases: Array<[string, number, number, string | RegExp]> = [
      ['/fapi/v1/klines?interval=1m', 400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
      ['/fapi/v1/klines?symbol=BTCUSDT', 400, -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."],
      ['/fapi/v1/klines?symbol=BTCUSDT&interval=1s', 400, -1120, 'Invalid interval.'],
      ['/fapi/v1/klines?symbol=BTCUSDT&interval=2m', 400, -1120, 'Invalid interval.'],
      ['/fapi/v1/klines?symbol=NOPEUSDT&interval=1m', 400, -1121, 'Invalid symbol. (exgate does not collect NOPEUSDT on binance-usdm)'],
      ['/fapi/v1/klines?symbol=BTC%20USDT&interval=1m', 400, -1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."],
      ['/fapi/v1/klines?symbol=BTCUSDT&symbol=ETHUSDT&interval=1m', 400, -1101, "Duplicate values for parameter 'symbol'."],
      ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=1e12', 400, -1100, "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'."],
      ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=2&endTime=1', 400, -1130, "Data sent for parameter 'startTime' is not valid. (it is after endTime)"],
      ['/fapi/v1/klines?symbol=BTCUSDT&interval=1m&exchange=nope', 400, -1130, /^Data sent for parameter 'exchange' is not valid\. \(exchange "nope" is not an exchange exgate knows/],
      ['/api/v3/klines?symbol=BTCUSDT&interval=1m', 400, -1130, /^Data sent for parameter 'exchange' is not valid\. \(this dialect reads binance-spot by default, which is not (enabled on this exgate|an exchange exgate knows)/],
      ['/api/v3/klines?symbol=BTCUSDT&interval=1m&timeZone=%2B15:00&exchange=binance-usdm', 400, -1130, "Data sent for parameter 'timeZone' is not valid. (-12:00 to +14:00)"],
      ['/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=1&startTime=1', 400, -1128, 'Combination of optional parameters invalid. (fromId with startTime/endTime)'],
      ['/fapi/v1/nope', 404, -5000, 'no route GET /fapi/v1/nope'],
    ];
    for (const [path, status, code, msg] of cases) {
      const res = await getJson(`${h.base}${path}`);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status, body: { code, msg: typeof msg === 'string' ? msg : expect.stringMatching(msg) } });
    }
  });
});
