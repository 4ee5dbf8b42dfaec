import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { SPOT } from '../binance-spot/constants';
import { USDM } from '../binance-usdm/constants';
import type { FrameResult } from '../types';
import { createParseFrame, parseKlineFrame, type KlineFrameResult } from './mapper';

const parseFrame = createParseFrame(USDM);
const parseSpot = createParseFrame(SPOT);

/** Real frames copied from shared/fixtures/binance (see __fixtures__/). */
const lines = (file: string): string[] =>
  readFileSync(path.join(__dirname, '__fixtures__', file), 'utf8').split('\n').filter((l) => l !== '');
const [usdmTrade] = lines('usdm-trade.jsonl');
const [aggTrade2026, , , aggTrade2021] = lines('usdm-aggTrade.jsonl');
const [spotTrade, spotAggTrade] = lines('spot.jsonl');
const [, closingKline] = lines('usdm-kline.jsonl');

const RECEIVED_2024 = 1721347023000;
const RECEIVED_2026 = 1784410630000;

function trades(result: FrameResult) {
  if (result.type !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(result)}`);
  return result.trades;
}
function rejection(result: FrameResult | KlineFrameResult) {
  if (result.type !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result.rejection;
}
/** A real frame with one field of `data` replaced. */
function edited(frame: string, patch: Record<string, unknown>): string {
  const parsed = JSON.parse(frame) as { stream: string; data: Record<string, unknown> };
  return JSON.stringify({ ...parsed, data: { ...parsed.data, ...patch } });
}

describe('parseFrame: the raw trade stream', () => {
  it('maps a recorded USDⓈ-M trade frame to a trade with every field', () => {
    expect(trades(parseFrame(usdmTrade!, RECEIVED_2024))).toEqual([{
      exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id: 5182005737,
      firstTradeId: 5182005737, lastTradeId: 5182005737, price: '63943.90', qty: '0.003',
      isBuyerMaker: true, market: true, exchangeTimeMs: 1721347022956, eventTimeMs: 1721347022956,
      receivedAtMs: RECEIVED_2024,
    }]);
  });

  it('reads the same trade without the combined-stream wrapper', () => {
    const raw = JSON.stringify((JSON.parse(usdmTrade!) as { data: unknown }).data);
    expect(parseFrame(raw, RECEIVED_2024)).toEqual(parseFrame(usdmTrade!, RECEIVED_2024));
  });

  it('marks an insurance-fund print as not market, so candles leave it out', () => {
    const [t] = trades(parseFrame(edited(usdmTrade!, { X: 'INSURANCE_FUND' }), RECEIVED_2024));
    expect(t).toMatchObject({ id: 5182005737, market: false, qty: '0.003' });
  });

  it('treats a spot trade (which has no X) as a market trade', () => {
    expect(trades(parseSpot(spotTrade!, 1680652800100))).toEqual([expect.objectContaining({
      exchange: 'binance-spot', kind: 'trade', id: 3071245454, price: '28165.47000000', qty: '0.00056000', market: true,
      isBuyerMaker: true, exchangeTimeMs: 1680652799999, eventTimeMs: 1680652800000,
    })]);
  });
});

describe('parseFrame: the aggTrade stream', () => {
  it('maps a 2026 frame (with the newer nq and st fields) keeping f..l', () => {
    expect(trades(parseFrame(aggTrade2026!, RECEIVED_2026))).toEqual([{
      exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', id: 3387056463,
      firstTradeId: 7910555181, lastTradeId: 7910555183, price: '64650.00', qty: '0.492',
      isBuyerMaker: false, market: true, exchangeTimeMs: 1784410629576, eventTimeMs: 1784410629584,
      receivedAtMs: RECEIVED_2026,
    }]);
  });

  it('maps a 2021 frame of another symbol', () => {
    expect(trades(parseFrame(aggTrade2021!, 1626992742289))).toEqual([expect.objectContaining({
      symbol: 'CTKUSDT', id: 16599292, firstTradeId: 23961322, lastTradeId: 23961322, price: '1.01100', qty: '10',
      isBuyerMaker: false, exchangeTimeMs: 1626992741421,
    })]);
  });

  it('maps a spot aggTrade frame', () => {
    expect(trades(parseSpot(spotAggTrade!, RECEIVED_2026))).toEqual([expect.objectContaining({
      exchange: 'binance-spot', kind: 'aggTrade', id: 4017087867, firstTradeId: 6516181178, lastTradeId: 6516181178, qty: '0.02435000',
    })]);
  });
});

describe('parseFrame: connection events', () => {
  it("reads spot's serverShutdown, bare, wrapped or as the WebSocket API sends it, as a planned reconnect", () => {
    for (const frame of [
      '{"e":"serverShutdown","E":1770123456789}',
      '{"stream":"btcusdt@trade","data":{"e":"serverShutdown","E":1770123456789}}',
      '{"event":{"e":"serverShutdown","E":1770123456789}}',
    ]) expect(parseSpot(frame, 0)).toEqual({ type: 'reconnect', detail: 'serverShutdown: the server closes this connection soon' });
  });
});

describe('parseFrame: protocol traffic', () => {
  it('reads subscription acks, subscription lists and errors as control', () => {
    expect(parseFrame('{"result":null,"id":1}', 0)).toEqual({ type: 'control', detail: 'ack id=1' });
    expect(parseFrame('{"result":["btcusdt@aggTrade"],"id":3}', 0)).toEqual({ type: 'control', detail: 'result ["btcusdt@aggTrade"] id=3' });
    expect(parseFrame('{"error":{"code":2,"msg":"Invalid request"},"id":4}', 0))
      .toEqual({ type: 'control', detail: 'error id=4 code=2: Invalid request' });
  });
});

describe('parseFrame: rejections, one per kind, never a throw', () => {
  const at = RECEIVED_2024;
  it.each([
    ['invalid_json', 'truncated JSON', usdmTrade!.slice(0, 80)],
    ['schema', 'price as a number', edited(usdmTrade!, { p: 63943.9 })],
    ['schema', 'id as a string', edited(usdmTrade!, { t: '5182005737' })],
    ['schema', 'no maker flag', edited(usdmTrade!, { m: undefined })],
    ['schema', 'not an object', '[1,2,3]'],
    ['schema', 'aggTrade with l < f', edited(aggTrade2026!, { f: 7910555183, l: 7910555181 })],
    ['non_positive_quantity', 'zero quantity', edited(usdmTrade!, { q: '0.000' })],
    ['non_positive_quantity', 'negative quantity', edited(usdmTrade!, { q: '-0.003' })],
    ['bad_decimal', 'quantity in exponent notation', edited(usdmTrade!, { q: '3e-3' })],
    ['bad_decimal', 'price in exponent notation', edited(usdmTrade!, { p: '6.39439E4' })],
    ['bad_decimal', 'NaN price', edited(usdmTrade!, { p: 'NaN' })],
    ['bad_decimal', 'negative price', edited(usdmTrade!, { p: '-63943.90' })],
    ['bad_decimal', 'zero price', edited(usdmTrade!, { p: '0.00' })],
    ['bad_decimal', 'padded price', edited(usdmTrade!, { p: ' 63943.90' })],
    ['bad_decimal', 'Infinity price', edited(usdmTrade!, { p: 'Infinity' })],
    ['absurd_timestamp', 'trade time in seconds', edited(usdmTrade!, { T: 1721347022 })],
    ['absurd_timestamp', 'trade time in microseconds', edited(usdmTrade!, { T: 1721347022956000 })],
    ['absurd_timestamp', 'event time 2 h ahead of receipt', edited(usdmTrade!, { E: at + 2 * 60 * 60 * 1000 })],
    ['unknown_symbol', 'stream and symbol disagree', usdmTrade!.replace('"stream":"btcusdt@trade"', '"stream":"ethusdt@trade"')],
    ['unknown_symbol', 'not a Binance symbol', edited(usdmTrade!, { s: 'BTC/USDT' }).replace('btcusdt@', 'btc/usdt@')],
    ['unknown_stream', 'bookTicker (recorded 2021)', '{"stream":"sushiusdt@bookTicker","data":{"e":"bookTicker","u":600859600576,"s":"SUSHIUSDT","b":"7.6110","B":"2","a":"7.6120","A":"297","T":1626992741012,"E":1626992741017}}'],
    ['unknown_stream', 'kline on the trade path', closingKline!],
  ])('%s: %s', (kind, _label, raw) => {
    const r = rejection(parseFrame(raw, at));
    expect(r.kind).toBe(kind);
    expect(r.sample).toBe(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
    expect(r.reason).not.toBe('');
  });

  it('never throws, whatever arrives', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
      expect(['trades', 'control', 'rejected']).toContain(parseFrame(raw, at).type);
    }), { numRuns: 2000 });
  });
});

describe('parseKlineFrame', () => {
  it("maps Binance's closing 1m kline with all nine values", () => {
    expect(parseKlineFrame(closingKline!, 1784410680200)).toEqual({
      type: 'kline', symbol: 'BTCUSDT', interval: '1m', closed: true, firstTradeId: 7910554880, lastTradeId: 7910555406,
      eventTimeMs: 1784410680146, receivedAtMs: 1784410680200,
      kline: {
        openTimeMs: 1784410620000, closeTimeMs: 1784410679999, open: '64639.00', high: '64650.00', low: '64639.00',
        close: '64649.90', volume: '26.265', quoteVolume: '1697924.27200', takerBuyVolume: '14.853',
        takerBuyQuoteVolume: '960151.22180', tradeCount: 521,
      },
    });
  });

  it('rejects a trade frame and a malformed kline', () => {
    expect(rejection(parseKlineFrame(usdmTrade!, RECEIVED_2024)).kind).toBe('unknown_stream');
    expect(rejection(parseKlineFrame(closingKline!.replace('"v":"26.265"', '"v":"2.6e1"'), 1784410680200)).kind).toBe('bad_decimal');
    expect(rejection(parseKlineFrame(closingKline!.replace('"i":"1m"', '"i":"7m"'), 1784410680200)).kind).toBe('schema');
  });
});
