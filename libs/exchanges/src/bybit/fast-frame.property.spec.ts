import fc from 'fast-check';
import { decimalText, itAgreesWithFullMapper, timeMs, trades, type JsonInput } from '../testing/frame-mutations';
import type { Category } from './constants';
import { fastTrades } from './fast-frame';
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
