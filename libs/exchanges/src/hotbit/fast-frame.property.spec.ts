import fc from 'fast-check';
import { decimalText, itAgreesWithFullMapper, RawJson, timeMs, trades, type JsonInput } from '../testing/frame-mutations';
import { fastDeals } from './fast-frame';
import { parseFrame, parseFrameFull } from './mapper';
import { secondsText } from './time';

/**
 * The fast path must never change an answer: over generated `deals.update` pushes, well-formed and
 * damaged, the mapper (fast path first) answers exactly what the full mapper (zod, and the time
 * texts found by timeTexts) answers.
 */
const RECEIVED = Date.UTC(2023, 4, 1);

/** Times as ViaBTC writes them (`%.17g` of µs seconds), and texts on the edges of the seconds form. */
const dealTime = fc.oneof(
  { weight: 8, arbitrary: timeMs(RECEIVED).chain((ms) => fc.nat(999).map((us) => new RawJson(secondsText(ms * 1000 + us)))) },
  { weight: 2, arbitrary: fc.constantFrom('1512454847', '1682899200.9999996', '1682899200.1887965', '1682899200.1', `1682899200.${'1'.repeat(24)}`,
    `1682899200.${'1'.repeat(25)}`, '16828992001.5', '1.6828992e9', '1682899200.5e0', '-1682899200.5', '0', '1682899200.0').map((t) => new RawJson(t)) },
);

const deal = fc.record({ time: dealTime, price: decimalText, amount: decimalText, type: fc.constantFrom('buy', 'sell') });

const push: fc.Arbitrary<JsonInput> = fc.record({
  market: fc.constantFrom('BTCUSDT', 'ETHBTC', 'btcusdt', 'BTC/USDT', 'B'),
  deals: fc.array(deal, { minLength: 1, maxLength: 4 }),
  firstId: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 53 - 2, 0, -3) }),
  steps: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 0 }) }), { minLength: 4, maxLength: 4 }),
}).map(({ market, deals, firstId, steps }) => {
  // Newest first: ids descending (mostly), each step down from the newest.
  let id = firstId + steps.reduce((a, b) => a + b, 0);
  const withIds = deals.map((d, i) => ({ id: i === 0 ? id : (id -= steps[i - 1]!), ...d }));
  return { method: 'deals.update', params: [market, withIds], id: null };
});

const options = {
  values: ['"deals.update"', '"kline.update"', '"depth.update"', '"buy"', '"BUY"', '"BTCUSDT"', '1512454847.188796', '"time"'],
  keys: ['method', 'params', 'id', 'time', 'price', 'amount', 'type'],
  others: [
    '{"error":null,"result":{"status":"success"},"id":100}', '{"error":null,"result":"pong","id":5}',
    '{"error":{"code":1,"message":"invalid argument"},"result":null,"id":100}',
    '{"method":"kline.update","params":[[1513135140,"8000","8000","8000","8000","0","0","BTCBCC"]],"id":null}',
    '{"method":"deals.subscribe","params":["BTCBCC","BTCUSD"],"id":100}', '{"method":"deals.update","params":["BTCUSDT",[]],"id":null}',
  ],
};

describe('HotBit deals.update: the fast path and the full mapper agree', () => {
  itAgreesWithFullMapper({
    mapper: (raw) => parseFrame(raw, RECEIVED),
    full: (raw) => parseFrameFull(raw, RECEIVED),
    fastOnly: (raw) => trades(fastDeals(JSON.parse(raw), raw, RECEIVED)),
    wellFormed: push, options,
  });
});
