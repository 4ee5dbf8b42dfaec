import fc from 'fast-check';
import { SPOT } from '../binance-spot/constants';
import { USDM } from '../binance-usdm/constants';
import type { BinanceMarket } from './market';
import { createFastTradeReader } from './fast-frame';
import { createFullParseFrame, createParseFrame } from './mapper';

/**
 * The fast path must never change an answer: over generated frames — well-formed ones as Binance
 * sends them and every kind of damage — the mapper (fast path first) answers exactly what the
 * full mapper (JSON.parse and zod) answers, frame after frame through one mapper (the fast path
 * remembers layouts).
 */
const RECEIVED = Date.UTC(2024, 6, 19);

type Field = readonly [key: string, json: string];

const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(String);
const timeMs = fc.oneof(
  { weight: 8, arbitrary: int(Date.UTC(2017, 0, 1), RECEIVED + 3_600_000) },
  { weight: 1, arbitrary: fc.constantFrom('1721347022', '1721347022956000', String(RECEIVED + 3_600_001), '1483228800000', '1483228799999') },
);
const decimal = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.nat({ max: 99_999 }), fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined })).map(([w, f]) => (f === undefined ? String(w) : `${w}.${f}`)) },
  { weight: 2, arbitrary: fc.constantFrom('0', '0.000', '0.001', '01.5', '1.', '.5', '1e3', '-1.5', ' 1', 'NaN', 'Infinity', '', '1'.repeat(41), '1'.repeat(40), '63943.90') },
);
/** A JSON value of the wrong kind, or a number JSON.parse reads differently from its digits. */
const odd = fc.constantFrom('-1', '1.5', '1e3', '1E3', '0123', '0', '1234567890123456', '12345678901234567890', 'null', 'true', '"x"',
  '"5182005737"', '{}', '[]', '{"a":1}', '"a\\"b"', '"\\u0041"', '-0', '1.0');
const str = (s: string) => JSON.stringify(s);

function tradeFields(symbol: string, futures: boolean): fc.Arbitrary<Field[]> {
  return fc.record({
    E: timeMs, T: timeMs, t: int(0, 9_999_999_999), p: decimal, q: decimal, m: fc.boolean(),
    X: fc.constantFrom('MARKET', 'INSURANCE_FUND', 'ADL', 'NA'),
  }).map((v) => [
    ['e', str('trade')], ['E', v.E], ['T', v.T], ['s', str(symbol)], ['t', v.t], ['p', str(v.p)], ['q', str(v.q)],
    ...(futures ? [['X', str(v.X)] as Field] : [['b', '88'] as Field, ['a', '50'] as Field]), ['m', String(v.m)],
    ...(futures ? [] : [['M', 'true'] as Field]),
  ]);
}

function aggTradeFields(symbol: string): fc.Arbitrary<Field[]> {
  return fc.record({
    E: timeMs, T: timeMs, a: int(0, 9_999_999_999), f: int(7_910_555_000, 7_910_555_010), l: int(7_910_555_000, 7_910_555_010),
    p: decimal, q: decimal, m: fc.boolean(), nq: fc.option(decimal, { nil: undefined }), st: fc.option(int(0, 3), { nil: undefined }),
  }).map((v) => [
    ['e', str('aggTrade')], ['E', v.E], ['a', v.a], ['s', str(symbol)], ['p', str(v.p)], ['q', str(v.q)],
    ...(v.nq === undefined ? [] : [['nq', str(v.nq)] as Field]), ['f', v.f], ['l', v.l], ['T', v.T], ['m', String(v.m)],
    ...(v.st === undefined ? [] : [['st', v.st] as Field]),
  ]);
}

/** One change a broken or unusual frame may carry. */
type Damage =
  | { kind: 'none' }
  | { kind: 'value'; at: number; json: string }
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; at: number; json: string }
  | { kind: 'extra'; key: string; json: string }
  | { kind: 'swap'; at: number }
  | { kind: 'space'; at: number }
  | { kind: 'event'; json: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('value' as const), at: fc.nat(12), json: odd }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(12), json: fc.oneof(odd, int(1, 99)) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      key: fc.constantFrom('M', 'b', 'x', 'id', 'result', 'error', 'event', 'stream', 'data', ''),
      json: fc.oneof(odd, fc.constant('{"code":2,"msg":"x"}'), fc.constant('{"e":"serverShutdown","E":1}')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), at: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('space' as const), at: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('event' as const), json: fc.constantFrom('"kline"', '"trade"', '"aggTrade"', '"Trade"', '1') }) },
);

function damaged(fields: Field[], d: Damage): { fields: Field[]; space: number } {
  const out = [...fields];
  const i = 'at' in d ? d.at % out.length : 0;
  switch (d.kind) {
    case 'value': out[i] = [out[i]![0], d.json]; break;
    case 'drop': out.splice(i, 1); break;
    case 'duplicate': out.splice(i + 1, 0, [out[i]![0], d.json]); break;
    case 'extra': out.push([d.key, d.json]); break;
    case 'swap': if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!]; break;
    case 'event': out[0] = ['e', d.json]; break;
    default: break;
  }
  return { fields: out, space: d.kind === 'space' ? i : -1 };
}

const object = (fields: readonly Field[], space: number) =>
  `{${fields.map(([k, v], i) => `${str(k)}:${i === space ? ' ' : ''}${v}`).join(',')}}`;

const STREAMS = [(s: string, e: string) => `${s.toLowerCase()}@${e}`, () => 'ethusdt@trade', (s: string) => `${s.toLowerCase()}@bookTicker`, (s: string) => s.toLowerCase()];

const SYMBOLS = fc.constantFrom('BTCUSDT', 'ETHUSDT', 'CTKUSDT', 'btcusdt', 'BTC/USDT', 'X', '');

function rendered(fields: Field[], d: Damage, symbol: string, wrapper: number, tail: string): string {
  const { fields: data, space } = damaged(fields, d);
  const body = object(data, space);
  const event = /^"(\w+)"$/.exec(data.find(([k]) => k === 'e')?.[1] ?? '')?.[1] ?? '';
  if (wrapper < 0) return `${body}${tail}`;
  const stream = STREAMS[wrapper]!(symbol, event);
  return `{"stream":${str(stream)},"data":${body}}${tail}`;
}

function frame(market: BinanceMarket, clean = false): fc.Arbitrary<string> {
  const futures = market.type === 'futures';
  return fc.record({
    symbol: SYMBOLS,
    agg: fc.boolean(),
    damage: clean ? fc.constantFrom<Damage>({ kind: 'none' }, { kind: 'swap', at: 3 }, { kind: 'swap', at: 5 }) : damage,
    wrapper: clean ? fc.constantFrom(0, -1) : fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    tail: clean ? fc.constant('') : fc.constantFrom('', '', '', ' ', '\n', 'x', '}'),
  }).chain((o) => (o.agg ? aggTradeFields(o.symbol) : tradeFields(o.symbol, futures))
    .map((fields) => rendered(fields, o.damage, o.symbol, o.wrapper, o.tail)));
}

/** A value a well-formed frame may hold in place of another (a decimal string for p, q or nq), or an odd one (the last holds a raw control character). */
const otherValue = fc.oneof(odd, decimal.map(str), fc.constantFrom('"1.5"', '"0.10"', '"0.0"', '"0"', '"a\\\\b"', '"\\u0000"', '"1\u0001"'));

/**
 * A well-formed frame, then its twin that differs in one value (or a tail): the twin has the
 * layout the first one taught, so the remembered layout, not the scan, answers it first.
 */
function twins(market: BinanceMarket): fc.Arbitrary<[string, string]> {
  const futures = market.type === 'futures';
  return fc.record({
    symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT', 'CTKUSDT'), agg: fc.boolean(), at: fc.nat(12), json: otherValue, wrapper: fc.constantFrom(0, -1),
    tail: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\n', 'x', '}') }),
  }).chain((o) => (o.agg ? aggTradeFields(o.symbol) : tradeFields(o.symbol, futures)).map((fields): [string, string] => [
    rendered(fields, { kind: 'none' }, o.symbol, o.wrapper, ''),
    rendered(fields, { kind: 'value', at: o.at, json: o.json }, o.symbol, o.wrapper, o.tail),
  ]));
}

describe.each([['USDⓈ-M', USDM], ['spot', SPOT]] as const)('Binance %s: the fast path and the full mapper agree', (_name, market) => {
  it('frame after frame, on every generated frame (accepted or rejected, same trade or same rejection)', () => {
    fc.assert(fc.property(fc.array(frame(market), { minLength: 1, maxLength: 40 }), (frames) => {
      const parse = createParseFrame(market);
      const full = createFullParseFrame(market);
      for (const raw of frames) expect(parse(raw, RECEIVED)).toEqual(full(raw, RECEIVED));
    }), { numRuns: 400 });
  });

  it('a frame with a remembered layout and one value changed (accepted or rejected, same answer)', () => {
    fc.assert(fc.property(twins(market), ([first, twin]) => {
      const parse = createParseFrame(market);
      const full = createFullParseFrame(market);
      expect(parse(first, RECEIVED)).toEqual(full(first, RECEIVED));
      expect(parse(twin, RECEIVED)).toEqual(full(twin, RECEIVED));
    }), { numRuns: 3_000 });
  });

  it('takes the fast path for undamaged frames, and its trade is the full mapper’s', () => {
    const undamaged = frame(market, true).filter((raw) => createFullParseFrame(market)(raw, RECEIVED).type === 'trades');
    fc.assert(fc.property(fc.array(undamaged, { minLength: 1, maxLength: 20 }), (frames) => {
      const fast = createFastTradeReader(market);
      const full = createFullParseFrame(market);
      for (const raw of frames) {
        const read = fast(raw, RECEIVED);
        expect(read).not.toBeNull();
        expect({ type: 'trades', trades: [read] }).toEqual(full(raw, RECEIVED));
      }
    }), { numRuns: 200 });
  });

  it('on a connection of 600 streams, frames of every stream in turn (layouts remembered per stream): the full mapper’s answers', () => {
    const symbols = Array.from({ length: 600 }, (_, n) => `S${n}USDT`);
    const frameOf = (symbol: string, n: number, wrapped: boolean) => {
      const body = `{"e":"aggTrade","E":${RECEIVED - n},"a":${n + 1},"s":"${symbol}","p":"${n % 97}.5","q":"0.0${(n % 9) + 1}","f":${n + 1},"l":${n + 2},"T":${RECEIVED - n},"m":${n % 2 === 0}}`;
      return wrapped ? `{"stream":"${symbol.toLowerCase()}@aggTrade","data":${body}}` : body;
    };
    const fast = createFastTradeReader(market);
    const full = createFullParseFrame(market);
    for (let n = 0; n < 3 * symbols.length; n++) {
      // Now and then a frame of another stream's name, or without the wrapper: no layout of another stream may take it.
      const symbol = symbols[n % symbols.length]!;
      const raw = n % 7 === 3 ? frameOf(symbol, n, false) : n % 11 === 5 ? frameOf(symbol, n, true).replace('@aggTrade', '@trade') : frameOf(symbol, n, true);
      const answer = full(raw, RECEIVED);
      const read = fast(raw, RECEIVED);
      expect(read === null ? null : { type: 'trades', trades: [read] }).toEqual(answer.type === 'trades' ? answer : null);
    }
  });
});
