import { compareDecimalStrings } from '@exgate/domain';
import { candlesApiResponse } from './candles-api/schemas';
import { intxError, intxResponse } from './intx/schemas';
import { getJson, startHarness, type DialectHarness } from './testing/harness';

jest.setTimeout(120_000);

/** 2024-07-18T23:57:00Z .. 2024-07-19T00:05:00Z: the minutes the recorded capture touches. */
const FIRST_MIN = 1_721_347_020_000;
const LAST_MIN = 1_721_347_500_000;
const iso = (ms: number) => new Date(ms).toISOString();

let h: DialectHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface V1Kline {
  open_time: number; open: string; high: string; low: string; close: string; volume: string; trade_count: number;
}
async function v1(symbol: string, interval: string, fromMs: number, toMs: number): Promise<V1Kline[]> {
  const res = await getJson(`${h.base}/v1/binance-usdm/exgate/kline/${symbol}/${interval}/${fromMs}/${toMs}?limit=1500`);
  expect(res.status).toBe(200);
  return (res.body as { kline: V1Kline[] }).kline;
}

describe('seed 002: Coinbase INTX candles, GET /api/v1/instruments/{instrument}/candles', () => {
  it('answers the aggregations of the window, newest first, equal to /v1 for the same window', async () => {
    for (const [granularity, interval] of [['ONE_MINUTE', '1m'], ['FIVE_MINUTE', '5m'], ['ONE_HOUR', '1h'], ['ONE_DAY', '1d']] as const) {
      const url = `${h.base}/api/v1/instruments/BTCUSDT/candles?granularity=${granularity}&start=2024-07-18T00:00:00Z&end=2024-07-19T00:05:00Z&exchange=binance-usdm`;
      const res = await getJson(url);
      expect(res.status).toBe(200);
      const body = intxResponse.parse(res.body);
      const ours = await v1('BTCUSDT', interval, Date.parse('2024-07-18T00:00:00Z'), LAST_MIN);
      expect(ours.length).toBeGreaterThan(0);
      expect(body.aggregations).toEqual(
        [...ours].reverse().map((k) => ({ start: iso(k.open_time).replace('.000Z', 'Z'), open: k.open, high: k.high, low: k.low, close: k.close, volume: k.volume })),
      );
    }
  });

  it('reads start (required) and end as ISO 8601, in any zone; end defaults to now', async () => {
    const base = `${h.base}/api/v1/instruments/btcusdt/candles?granularity=ONE_MINUTE&exchange=fbinance`;
    const utc = intxResponse.parse((await getJson(`${base}&start=2024-07-19T00:01:00Z&end=2024-07-19T00:03:00Z`)).body);
    expect(utc.aggregations.map((a) => a.start)).toEqual(['2024-07-19T00:03:00Z', '2024-07-19T00:02:00Z', '2024-07-19T00:01:00Z']);
    const zoned = intxResponse.parse((await getJson(`${base}&start=${encodeURIComponent('2024-07-19T08:01:00+08:00')}&end=${encodeURIComponent('2024-07-19T08:03:00.000+08:00')}`)).body);
    expect(zoned).toEqual(utc);
    const toNow = intxResponse.parse((await getJson(`${base}&start=2024-07-19T00:04:00Z`)).body);
    expect(toNow.aggregations.map((a) => a.start)).toEqual(['2024-07-19T00:05:00Z', '2024-07-19T00:04:00Z']);
  });

  it('a bad attribute is a 400 {title, status} naming it; an instrument exgate does not collect is a 404', async () => {
    const path = `${h.base}/api/v1/instruments/BTCUSDT/candles`;
    const cases: Array<[string, number, string]> = [
      [`${path}?granularity=ONE_MINUTE&exchange=binance-usdm`, 400, 'Invalid attribute start: start is a required field'],
      [`${path}?start=2024-07-19T00:00:00Z&exchange=binance-usdm`, 400, 'Invalid attribute granularity: granularity is a required field'],
      [`${path}?granularity=FOUR_HOUR&start=2024-07-19T00:00:00Z&exchange=binance-usdm`, 400, 'Invalid attribute granularity: "FOUR_HOUR" is not one of ONE_MINUTE, FIVE_MINUTE, FIFTEEN_MINUTE, THIRTY_MINUTE, ONE_HOUR, TWO_HOUR, SIX_HOUR, ONE_DAY'],
      [`${path}?granularity=ONE_MINUTE&start=2024-02-30T00:00:00Z&exchange=binance-usdm`, 400, 'Invalid attribute start: "2024-02-30T00:00:00Z" is not an ISO 8601 timestamp such as 2024-03-01T00:00:00Z'],
      [`${path}?granularity=ONE_MINUTE&start=2024-07-19T00:00:00Z&end=1721347200000&exchange=binance-usdm`, 400, 'Invalid attribute end: "1721347200000" is not an ISO 8601 timestamp such as 2024-03-01T00:00:00Z'],
      [`${path}?granularity=ONE_MINUTE&start=2024-07-19T00:05:00Z&end=2024-07-19T00:00:00Z&exchange=binance-usdm`, 400, 'Invalid attribute start: start is after end'],
      [`${path}?granularity=ONE_MINUTE&start=2024-07-19T00:00:00Z&exchange=nope`, 400, 'Invalid attribute exchange: exchange "nope" is not an exchange exgate knows; pass exchange=<one of: binance-usdm (alias fbinance)>'],
      [`${path}?granularity=ONE_MINUTE&start=2024-07-19T00:00:00Z&start=2024-07-19T00:00:00Z&exchange=binance-usdm`, 400, 'Invalid attribute start: must be given once'],
      [`${h.base}/api/v1/instruments/BTC-PERP/candles?granularity=ONE_MINUTE&start=2024-07-19T00:00:00Z&exchange=binance-usdm`, 404, 'Not Found: exgate does not collect BTCUSDC on binance-usdm'],
      [`${h.base}/api/v1/instruments/BTCUSDT/trades`, 404, 'Not Found: no route GET /api/v1/instruments/BTCUSDT/trades'],
    ];
    for (const [url, status, title] of cases) {
      const res = await getJson(url);
      expect({ url, status: res.status, body: res.body }).toEqual({ url, status, body: { title, status } });
      intxError.parse(res.body);
    }
  });

  it('reads Coinbase INTX by default and says so while that exchange is not enabled here', async () => {
    const res = await getJson(`${h.base}/api/v1/instruments/BTC-PERP/candles?granularity=ONE_DAY&start=2024-01-01T00:00:00Z`);
    // "not enabled" once the coinbase-intx module exists but is not switched on; "not known" before.
    expect(res).toEqual({
      status: 400, text: expect.any(String), headers: expect.anything(),
      body: { title: expect.stringMatching(/^Invalid attribute exchange: this dialect reads coinbase-intx by default, which is not (enabled on this exgate|an exchange exgate knows); pass exchange=<one of: binance-usdm \(alias fbinance\)>$/), status: 400 },
    });
  });
});

describe('seed 003: the candles API, GET /api/v1/candles', () => {
  it('answers the seed shape with the default 24 h range of 1m, values equal to /v1 and exact in the JSON text', async () => {
    const res = await getJson(`${h.base}/api/v1/candles?symbol=BTCUSDT&interval=1m&exchange=binance-usdm`);
    expect(res.status).toBe(200);
    const body = candlesApiResponse.parse(res.body);
    expect(body).toMatchObject({ symbol: 'BTCUSDT', dbSymbol: 'BTCUSDT', interval: '1m', from: '2024-07-18T00:06:00.000Z', to: '2024-07-19T00:06:00.000Z' });
    const ours = await v1('BTCUSDT', '1m', FIRST_MIN - 86_400_000, LAST_MIN + 60_000);
    expect(body.count).toBe(ours.length);
    expect(body.data.map((d) => d.time)).toEqual(ours.map((k) => iso(k.open_time)));
    expect(body.data.map((d) => d.trade_count)).toEqual(ours.map((k) => k.trade_count));
    // The JSON text carries each decimal's own digits: every row's numbers, exactly as /v1's strings.
    const rows = [...res.text.matchAll(/\{"time":"([^"]+)","open":([\d.]+),"high":([\d.]+),"low":([\d.]+),"close":([\d.]+),"volume":([\d.]+),"trade_count":(\d+)\}/g)];
    expect(rows.map((m) => m.slice(2, 7))).toEqual(ours.map((k) => [k.open, k.high, k.low, k.close, k.volume]));
  });

  it('takes from/to as ISO or ms (the bucket holding from is included), any case of symbol, and sums that add up', async () => {
    const a = candlesApiResponse.parse((await getJson(`${h.base}/api/v1/candles?symbol=btcusdt&interval=5m&from=2024-07-18T23:57:00Z&to=2024-07-19T00:05:00Z&exchange=binance-usdm`)).body);
    const b = candlesApiResponse.parse((await getJson(`${h.base}/api/v1/candles?symbol=BTCUSDT&interval=5m&from=${FIRST_MIN}&to=${LAST_MIN}&exchange=binance-usdm`)).body);
    expect(a.data).toEqual(b.data);
    expect(a.data.map((d) => d.time)).toEqual(['2024-07-18T23:55:00.000Z', '2024-07-19T00:00:00.000Z', '2024-07-19T00:05:00.000Z']);
    expect(a.symbol).toBe('btcusdt');
    const ours = await v1('BTCUSDT', '5m', FIRST_MIN - 120_000, LAST_MIN);
    expect(a.data.map((d) => d.trade_count)).toEqual(ours.map((k) => k.trade_count));
    expect(ours.every((k, i) => compareDecimalStrings(String(a.data[i]!.volume), k.volume) === 0)).toBe(true);
  });

  it('maps BTC_USDC_PERP to the exchange spelling (BTCUSDC) and answers an empty list for what is not collected', async () => {
    const res = candlesApiResponse.parse((await getJson(`${h.base}/api/v1/candles?symbol=btc_usdc_perp&interval=1h&exchange=binance-usdm`)).body);
    expect(res).toMatchObject({ symbol: 'btc_usdc_perp', dbSymbol: 'BTCUSDC', count: 0, data: [] });
  });

  it('answers the seed errors word for word, and its shape for everything else', async () => {
    const cases: Array<[string, number, unknown]> = [
      ['?interval=1m', 400, { error: 'Missing required query parameters: symbol and interval' }],
      ['?symbol=BTCUSDT', 400, { error: 'Missing required query parameters: symbol and interval' }],
      ['?symbol=BTCUSDT&interval=2m&exchange=binance-usdm', 400, { error: 'Invalid interval value', allowedIntervals: ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] }],
      ['?symbol=BTCUSDT&interval=1m&from=yesterday&exchange=binance-usdm', 400, { error: 'Invalid from value', message: 'from "yesterday" is neither an ISO-8601 time nor milliseconds since the epoch' }],
      ['?symbol=BTCUSDT&interval=1m&from=2024-07-19T00:05:00Z&to=2024-07-19T00:00:00Z&exchange=binance-usdm', 400, { error: 'Invalid from value', message: 'from is after to' }],
      ['?symbol=BTCUSDT&interval=1m&from=0&exchange=binance-usdm', 400, { error: 'Invalid range value', message: 'from..to holds 28689127 1m candles; at most 10000 per request' }],
      ['?symbol=BTC%20USDT&interval=1m&exchange=binance-usdm', 400, { error: 'Invalid symbol value', message: 'invalid symbol "BTC USDT" for binance-usdm' }],
      ['?symbol=BTCUSDT&interval=1m&exchange=okx', 400, { error: 'Invalid exchange value', message: expect.stringMatching(/^exchange "okx" is not (enabled on this exgate|an exchange exgate knows); pass exchange=<one of: binance-usdm \(alias fbinance\)>$/) }],
    ];
    for (const [query, status, body] of cases) {
      const res = await getJson(`${h.base}/api/v1/candles${query}`);
      expect({ query, status: res.status, body: res.body }).toEqual({ query, status, body });
    }
  });

  it('reads binance-usdm by default', async () => {
    const res = candlesApiResponse.parse((await getJson(`${h.base}/api/v1/candles?symbol=ETHUSDT&interval=15m`)).body);
    expect(res.count).toBeGreaterThan(0);
    expect(res.dbSymbol).toBe('ETHUSDT');
  });
});
