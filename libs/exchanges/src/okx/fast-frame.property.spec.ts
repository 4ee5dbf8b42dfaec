import fc from 'fast-check';
import { decimalText, itAgreesWithFullMapper, timeMs, trades, type JsonInput } from '../testing/frame-mutations';
import { fastTrades } from './fast-frame';
import { NO_LISTINGS, type Listings } from './listing';
import { parseFrame, parseFrameFull } from './mapper';

/**
 * The fast path must never change an answer: over generated `trades-all` and `trades` pushes,
 * well-formed and damaged, the mapper (fast path first) answers exactly what the full mapper
 * (zod) answers, with and without REST's listings (epochs, contract values, a bad contract value).
 */
const RECEIVED = Date.UTC(2025, 2, 14);

const listingsOf: Record<string, Listings> = {
  'no listings': NO_LISTINGS,
  listings: (instId) => ({ 'BTC-USDT-SWAP': { epoch: 7, ctVal: '0.01' }, 'BTC-USDT': { epoch: 3 }, 'ETH-USDC-SWAP': { epoch: 2, ctVal: '0' } })[instId],
};

const digits = (max: number) => fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('', '01', '1099511627776', '12345678901234567', '1.5') });

const item = (instId: fc.Arbitrary<string>) => fc.record({
  instId, tradeId: digits(2 ** 41), px: decimalText, sz: decimalText, side: fc.constantFrom('buy', 'sell'),
  ts: timeMs(RECEIVED).map(String), count: digits(5), source: fc.constantFrom('0', '1'), seqId: fc.integer({ min: 0, max: 2 ** 40 }),
}, { requiredKeys: ['instId', 'tradeId', 'px', 'sz', 'side', 'ts'] });

const push: fc.Arbitrary<JsonInput> = fc.record({
  channel: fc.constantFrom('trades-all', 'trades'),
  instId: fc.constantFrom('BTC-USDT', 'BTC-USDT-SWAP', 'ETH-USDC-SWAP', 'UNI-USD-SWAP', 'BTC-USD-220527', 'btc-usdt'),
}).chain((arg) => fc.record({
  arg: fc.constant(arg),
  data: fc.array(item(fc.oneof({ weight: 19, arbitrary: fc.constant(arg.instId) }, { weight: 1, arbitrary: fc.constant('ETH-USDT') })), { minLength: 1, maxLength: 4 }),
}));

const options = {
  values: ['"trades-all"', '"trades"', '"tickers"', '"BTC-USDT"', '"BTC-USDT-SWAP"', '"buy"', '"Sell"', '"1"', '"2"'],
  keys: ['arg', 'channel', 'instId', 'tradeId', 'px', 'sz', 'side', 'ts', 'count', 'source', 'seqId', 'connId', 'code', 'msg'],
  others: [
    'pong', 'ping', '{"event":"subscribe","arg":{"channel":"trades-all","instId":"BTC-USDT"},"connId":"a4d3ae55"}',
    '{"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}',
    '{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}',
    '{"op":"subscribe","args":[{"channel":"trades-all","instId":"BTC-USDT"}]}',
  ],
};

describe.each(Object.entries(listingsOf))('OKX pushes with %s: the fast path and the full mapper agree', (_name, listings) => {
  itAgreesWithFullMapper({
    mapper: (raw) => parseFrame(raw, RECEIVED, listings),
    full: (raw) => parseFrameFull(raw, RECEIVED, listings),
    fastOnly: (raw) => trades(fastTrades(JSON.parse(raw), RECEIVED, listings)),
    wellFormed: push, options,
  });
});
