import fc from 'fast-check';
import { decimalText, itAgreesWithFullMapper, timeMs, trades, type JsonInput } from '../testing/frame-mutations';
import type { Category } from './constants';
import { fastTrades } from './fast-frame';
import { textTrades } from './text-frame';
import { parseFrame, parseFrameFull } from './mapper';

/**
 * The fast path must never change an answer: over generated publicTrade pushes, well-formed and
 * damaged, the mapper (fast path first) answers exactly what the full mapper (zod) answers.
 */
const RECEIVED = Date.UTC(2025, 2, 14);

const item = (symbol: fc.Arbitrary<string>) => fc.record({
  T: timeMs(RECEIVED), s: symbol, S: fc.constantFrom('Buy', 'Sell'), v: decimalText, p: decimalText,
  L: fc.option(fc.constantFrom('PlusTick', 'ZeroMinusTick'), { nil: undefined }),
  i: fc.oneof(fc.uuid(), fc.stringMatching(/^\d{19}$/), fc.constantFrom('', 'x'.repeat(64), 'x'.repeat(65))),
  BT: fc.option(fc.boolean(), { nil: undefined }), RPI: fc.option(fc.boolean(), { nil: undefined }),
  seq: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
}, { requiredKeys: ['T', 's', 'S', 'v', 'p', 'i'] });

const push: fc.Arbitrary<JsonInput> = fc.constantFrom('BTCUSDT', 'LTCUSDT', '1000PEPEUSDT', 'BTC-26DEC25', 'BTCUSD', 'btcusdt', 'B').chain((symbol) =>
  fc.record({
    topic: fc.constant(`publicTrade.${symbol}`),
    type: fc.constantFrom('snapshot', 'delta'),
    ts: timeMs(RECEIVED),
    data: fc.array(item(fc.oneof({ weight: 19, arbitrary: fc.constant(symbol) }, { weight: 1, arbitrary: fc.constant('ETHUSDT') })), { minLength: 1, maxLength: 4 }),
  }));

/** Spot as recorded in 2023: `topic, ts, type` and fills `i T p v S s BT` (no `L` on spot). */
const spotItem = (symbol: fc.Arbitrary<string>) => fc.record({
  i: fc.oneof(fc.stringMatching(/^\d{19}$/), fc.constantFrom('', 'x'.repeat(64), 'x'.repeat(65))),
  T: timeMs(RECEIVED), p: decimalText, v: decimalText, S: fc.constantFrom('Buy', 'Sell'), s: symbol,
  BT: fc.option(fc.boolean(), { nil: undefined }), RPI: fc.option(fc.boolean(), { nil: undefined }),
  seq: fc.option(fc.integer({ min: -1, max: 2 ** 40 }), { nil: undefined }),
}, { requiredKeys: ['i', 'T', 'p', 'v', 'S', 's'] });

const spotPush: fc.Arbitrary<JsonInput> = fc.constantFrom('BTCUSDT', 'BTCUSDC', 'btcusdt', 'B').chain((symbol) =>
  fc.record({
    topic: fc.constant(`publicTrade.${symbol}`),
    ts: timeMs(RECEIVED),
    type: fc.constantFrom('snapshot', 'delta'),
    data: fc.array(spotItem(fc.oneof({ weight: 19, arbitrary: fc.constant(symbol) }, { weight: 1, arbitrary: fc.constant('ETHUSDT') })), { minLength: 1, maxLength: 4 }),
  }));

const options = {
  values: ['"publicTrade.BTCUSDT"', '"orderbook.50.BTCUSDT"', '"Buy"', '"Sell"', '"buy"', '"BTCUSDT"', '"snapshot"'],
  keys: ['topic', 'ts', 'T', 's', 'S', 'v', 'p', 'i', 'L', 'BT', 'RPI', 'seq', 'op', 'success'],
  others: [
    '{"success":true,"ret_msg":"subscribe","conn_id":"c","req_id":"7","op":"subscribe"}',
    '{"success":false,"ret_msg":"error:handler not found","conn_id":"c","req_id":"8","op":"subscribe"}',
    '{"success":true,"ret_msg":"pong","conn_id":"c","op":"ping"}', '{"op":"pong","args":["1672304486868"]}',
    '{"op":"subscribe","args":["publicTrade.BTCUSDT"]}', 'pong', '',
  ],
};

describe.each<[string, Category | undefined]>([['read on its own', undefined], ['on a linear connection', 'linear'], ['on a spot connection', 'spot']])(
  'Bybit publicTrade %s: the fast path and the full mapper agree',
  (_name, category) => {
    itAgreesWithFullMapper({
      mapper: (raw) => parseFrame(raw, RECEIVED, category),
      full: (raw) => parseFrameFull(raw, RECEIVED, category),
      fastOnly: (raw) => trades(fastTrades(JSON.parse(raw), RECEIVED, category)),
      wellFormed: push, options,
    });
  },
);

describe.each<[string, Category | undefined, fc.Arbitrary<JsonInput>]>([
  ['read on its own', undefined, push], ['on a linear connection', 'linear', push], ['on a spot connection', 'spot', push],
  ['read on its own, spot printed as in 2023', undefined, spotPush], ['on a spot connection, printed as in 2023', 'spot', spotPush],
])(
  'Bybit publicTrade %s: the text path (no JSON.parse) and the full mapper agree',
  (_name, category, wellFormed) => {
    itAgreesWithFullMapper({
      mapper: (raw) => trades(textTrades(raw, RECEIVED, category)) ?? parseFrameFull(raw, RECEIVED, category),
      full: (raw) => parseFrameFull(raw, RECEIVED, category),
      fastOnly: (raw) => trades(textTrades(raw, RECEIVED, category)),
      wellFormed, options,
    });
  },
);

describe('Bybit publicTrade text path: strings it must leave to JSON.parse', () => {
  const frame = '{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1741910400000,"data":[{"T":1741910399999,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}';

  it('reads the frame as printed', () => {
    expect(textTrades(frame, RECEIVED, undefined)).toEqual((parseFrameFull(frame, RECEIVED) as { trades: unknown }).trades);
  });

  // A raw control character is not JSON (the full mapper says invalid_json); an escape is JSON
  // whose text is not its value. Either way the text path does not answer, and the mapper agrees
  // with the full one.
  it.each(['"snapshot"', '"BTCUSDT"', '"0.001"', '"PlusTick"', '"20f43950-d8dd-5b31-9112-a178eb6023af"', 'publicTrade.BTCUSDT"'])('in %s', (text) => {
    const at = frame.indexOf(text) + text.length - 2;
    for (const inserted of ['\t', '\u0001', '\n', '\\t', '\\u0041', '\\"']) {
      const raw = `${frame.slice(0, at)}${inserted}${frame.slice(at)}`;
      expect(textTrades(raw, RECEIVED, undefined)).toBeNull();
      expect(parseFrame(raw, RECEIVED)).toEqual(parseFrameFull(raw, RECEIVED));
    }
  });
});
