import fc from 'fast-check';
import { decimalText, itAgreesWithFullMapper, timeMs, trades, type JsonInput } from '../testing/frame-mutations';
import { fastMatch, isoMsAt } from './fast-frame';
import { isoMs, parseFrame, parseFrameFull } from './mapper';

/**
 * The fast path must never change an answer: over generated MATCH messages, well-formed and
 * damaged, the mapper (fast path first) answers exactly what the full mapper (zod) answers.
 */
const RECEIVED = Date.UTC(2025, 2, 14);

/** INTX's times (`…T14:58:47.002Z`, 0 to 9 fraction digits). */
const intxTime = fc.tuple(timeMs(RECEIVED), fc.integer({ min: 0, max: 9 }), fc.stringMatching(/^\d{9}$/)).map(([ms, digits, more]) => {
  const text = new Date(Math.min(ms, 8.64e15)).toISOString();
  return digits === 0 ? `${text.slice(0, 19)}Z` : `${text.slice(0, 19)}.${`${text.slice(20, 23)}${more}`.slice(0, digits)}Z`;
});
/** Texts on the edges of the form and the calendar (Date.parse reads 2023-02-29 as 1 March: the fast path leaves such days to it). */
const ODD_TIMES = ['2023-02-29T00:00:00Z', '2024-02-29T12:00:00.5Z', '2100-02-29T00:00:00Z', '2023-04-31T00:00:00Z', '2023-05-10T24:00:00Z',
  '2023-05-10T14:58:60Z', '2023-05-10T14:60:00Z', '2023-13-01T00:00:00Z', '2023-00-10T00:00:00Z', '2023-05-00T00:00:00Z', '2023-05-10 14:58:47Z',
  '2023-05-10T14:58:47.Z', '2023-05-10T14:58:47.0021234567Z', '2023-05-10T14:58:47z', '2023-05-10T14:58:47+00:00', '0023-05-10T14:58:47Z',
  '1969-12-31T23:59:59.999Z', '2023-05-10T-1:58:47Z', '2023-05-10T14:58:4xZ', ''];
const isoTime = fc.oneof({ weight: 8, arbitrary: intxTime }, { weight: 2, arbitrary: fc.constantFrom(...ODD_TIMES) });

const match: fc.Arbitrary<JsonInput> = fc.record({
  channel: fc.constant('MATCH'), type: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('UPDATE', 'SNAPSHOT') }, { weight: 1, arbitrary: fc.constant('REJECT') }), sequence: fc.nat(),
  product_id: fc.constantFrom('BTC-PERP', 'SOL-PERP', 'ETH-USDC', 'btc-perp', 'BTCPERP', 'X'.repeat(65)),
  time: intxTime, match_id: fc.oneof(fc.stringMatching(/^\d{18}$/), fc.constantFrom('', '1'.repeat(30), '1'.repeat(31), '12a')),
  trade_price: decimalText, trade_qty: decimalText, aggressor_side: fc.constantFrom('BUY', 'SELL', 'OPENING_FILL'),
});

const options = {
  values: [...ODD_TIMES.map((t) => JSON.stringify(t)), '"MATCH"', '"SUBSCRIPTIONS"', '"CANDLES_ONE_MINUTE"', '"REJECT"', '"BUY"', '"buy"', '"BTC-PERP"', '"2023-05-10T14:58:47.002Z"'],
  keys: ['channel', 'type', 'sequence', 'product_id', 'time', 'match_id', 'trade_price', 'trade_qty', 'aggressor_side', 'channels', 'message', 'reason'],
  others: [
    '{"channels":[{"name":"MATCH","product_ids":["BTC-PERP","ETH-PERP"]}],"authenticated":true,"channel":"SUBSCRIPTIONS","type":"SNAPSHOT","time":"2023-05-30T16:53:46.847Z"}',
    '{"channel":"SUBSCRIPTIONS","type":"REJECT","message":"Authentication failed","reason":"invalid signature"}',
    '{"sequence":1,"product_id":"BTC-PERP","channel":"CANDLES_ONE_MINUTE","type":"UPDATE","start":"2024-04-30T16:12:00.000Z","open":"0.13275"}',
    '{"type":"SUBSCRIBE","product_ids":["BTC-PERP"],"channels":["MATCH"]}',
  ],
};

describe('Coinbase INTX MATCH messages: the fast path and the full mapper agree', () => {
  itAgreesWithFullMapper({
    mapper: (raw) => parseFrame(raw, RECEIVED),
    full: (raw) => parseFrameFull(raw, RECEIVED),
    fastOnly: (raw) => {
      const read = trades([fastMatch(JSON.parse(raw), RECEIVED)].filter((t) => t !== null));
      return read && read.trades.length > 0 ? { ...read, sequence: { stream: 'MATCH', value: (JSON.parse(raw) as { sequence: number }).sequence } } : null;
    },
    wellFormed: match, options,
  });

  it('reads times as isoMs does wherever it reads them, and reads every INTX time after 1970', () => {
    fc.assert(fc.property(isoTime, (text) => {
      const ms = isoMsAt(text);
      if (ms >= 0) expect(ms).toBe(isoMs(text));
      else if (/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/.test(text)) throw new Error(`isoMsAt refused ${text}`);
    }), { numRuns: 2000 });
  });
});
