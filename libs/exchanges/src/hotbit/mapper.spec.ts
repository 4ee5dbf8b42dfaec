import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { RejectionKind } from '../types';
import { parseFrame, tradesFromDeals } from './mapper';
import { dealsUpdate } from './schemas';
import { microsFromSecondsText, msFromSecondsText, secondsText, timeTexts } from './time';

/** HotBit's documentation examples, copied from shared/fixtures/hotbit (see __fixtures__/README.md). */
const docs = readFileSync(path.join(__dirname, '__fixtures__', 'doc-examples.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
const doc = (source: string): string => {
  const line = docs.find((l) => (JSON.parse(l) as { _source: string })._source.startsWith(source));
  if (!line) throw new Error(`no doc example "${source}"`);
  return line;
};
const NOW = Date.UTC(2026, 0, 1);

describe('HotBit mapper on the documentation frames', () => {
  it('turns the seed\'s deals.update (newest first) into trades oldest first, values exact', () => {
    const r = parseFrame(doc('seed 001: deals.update push'), NOW);
    expect(r).toEqual({
      type: 'trades',
      trades: [
        { exchange: 'hotbit', symbol: 'BTCBCC', kind: 'trade', id: 24, firstTradeId: 24, lastTradeId: 24, price: '8000', qty: '0.125', isBuyerMaker: false, market: true, exchangeTimeMs: 1512442938956, eventTimeMs: 1512442938956, receivedAtMs: NOW },
        { exchange: 'hotbit', symbol: 'BTCBCC', kind: 'trade', id: 25, firstTradeId: 25, lastTradeId: 25, price: '8000', qty: '0.125', isBuyerMaker: false, market: true, exchangeTimeMs: 1512445625751, eventTimeMs: 1512445625751, receivedAtMs: NOW },
        { exchange: 'hotbit', symbol: 'BTCBCC', kind: 'trade', id: 26, firstTradeId: 26, lastTradeId: 26, price: '8000', qty: '1', isBuyerMaker: false, market: true, exchangeTimeMs: 1512454847188, eventTimeMs: 1512454847188, receivedAtMs: NOW },
      ],
    });
  });

  it('reads 17-digit times exactly and maps a taker sale to a buyer-maker print', () => {
    const raw = doc('Biconomy');
    // Biconomy spells markets BTC_USDT; HotBit's websocket has no separator.
    expect(parseFrame(raw, NOW)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_symbol' } });
    const push = dealsUpdate.parse(JSON.parse(raw));
    const sold = push.params[1].map((d) => ({ ...d, type: 'sell' as const }));
    expect(tradesFromDeals('BTCUSDT', sold, timeTexts(raw), NOW)).toMatchObject([
      { id: 848000899, exchangeTimeMs: 1660924893169, price: '21446.34', qty: '0.03', isBuyerMaker: true },
      { id: 848000900, exchangeTimeMs: 1660924893170, price: '21446.35', qty: '0.2', isBuyerMaker: true },
    ]);
  });

  it('takes answers as control frames and other pushes as another stream', () => {
    expect(parseFrame(doc('seed 001: server.ping response'), NOW)).toEqual({ type: 'control', detail: 'pong id=100' });
    expect(parseFrame('{"error":null,"result":{"status":"success"},"id":7}', NOW)).toEqual({ type: 'control', detail: 'ack id=7' });
    expect(parseFrame('{"error":{"code":1,"message":"invalid argument"},"result":null,"id":8}', NOW))
      .toEqual({ type: 'control', detail: 'error id=8 code=1: invalid argument' });
    expect(parseFrame(doc('seed 001: kline.query/market.kline row'), NOW)).toEqual({ type: 'control', detail: 'result id=123' });
    expect(parseFrame(doc('seed 001: kline.update push'), NOW)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_stream' } });
    // A request is what clients send, never the server.
    expect(parseFrame(doc('seed 001 / hotbitex'), NOW)).toMatchObject({ type: 'rejected', rejection: { kind: 'schema' } });
  });
});

describe('HotBit time texts', () => {
  it('converts float seconds to ms from the text, rounding to the µs first', () => {
    expect(msFromSecondsText('1512454847.188796')).toBe(1512454847188);
    expect(msFromSecondsText('1512442927.2021289')).toBe(1512442927202);
    expect(microsFromSecondsText('1512442927.2021289')).toBe(1512442927202129);
    // The double's noise past the µs never moves a time into the next ms…
    expect(msFromSecondsText('1512442927.1229999')).toBe(1512442927123);
    // …nor into the next second.
    expect(msFromSecondsText('1512442927.9999996')).toBe(1512442928000);
    expect(msFromSecondsText('1607310479')).toBe(1607310479000);
    for (const bad of ['1.5e9', '-1', '', '1512442927.', 'NaN', '12345678901']) expect(msFromSecondsText(bad)).toBeNull();
  });

  it('writes times as ViaBTC (jansson %.17g) does: every documented time text comes back', () => {
    const texts = docs.filter((l) => l.includes('"deals.update"')).flatMap(timeTexts);
    expect(texts).toHaveLength(5);
    for (const t of texts) expect(secondsText(microsFromSecondsText(t)!)).toBe(t);
    expect(secondsText(1607310479_000_000)).toBe('1607310479.0');
  });

  it('round-trips every µs time of 2017..2030 through the text exactly', () => {
    const micros = fc.integer({ min: Date.UTC(2017, 0, 1) * 1000, max: Date.UTC(2030, 0, 1) * 1000 });
    fc.assert(fc.property(micros, (us) => {
      const text = secondsText(us);
      expect(microsFromSecondsText(text)).toBe(us);
      expect(msFromSecondsText(text)).toBe(Math.floor(us / 1000));
      expect(Number(text)).toBe(Number((us / 1e6).toPrecision(17)));
    }), { numRuns: 2000 });
  });
});

// ---- malformed frames, per kind, over the schema ----

const dealArb = fc.record({
  price: fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 9999 })).map(([i, f]) => `${i}.${f}`),
  amount: fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 99_999 })).map(([i, f]) => `${i}.${String(f).padStart(5, '0')}`),
  type: fc.constantFrom('buy', 'sell'),
  micros: fc.integer({ min: Date.UTC(2018, 0, 1) * 1000, max: Date.UTC(2025, 0, 1) * 1000 }),
});
const pushArb = fc.record({
  market: fc.constantFrom('BTCUSDT', 'ETHBTC', 'QASHETH'),
  firstId: fc.integer({ min: 1, max: 2 ** 40 }),
  deals: fc.array(dealArb, { minLength: 1, maxLength: 8 }),
});
type Push = typeof pushArb extends fc.Arbitrary<infer T> ? T : never;
type DealField = { id: string; time: string; price: string; amount: string; type: string };

/** The push as HotBit writes it, newest first, with `edit` applied to the deals' JSON texts. */
function frame(p: Push, edit: (deals: DealField[]) => void = () => undefined, market: string = p.market, method = 'deals.update'): string {
  const deals: DealField[] = p.deals.map((d, i) => ({
    id: String(p.firstId + i * 3), time: secondsText(d.micros), price: JSON.stringify(d.price), amount: JSON.stringify(d.amount), type: JSON.stringify(d.type),
  })).reverse();
  edit(deals);
  const body = deals.map((d) => `{"id":${d.id},"time":${d.time},"price":${d.price},"amount":${d.amount},"type":${d.type}}`).join(',');
  return `{"method":${JSON.stringify(method)},"params":[${JSON.stringify(market)},[${body}]],"id":null}`;
}

const mutations: readonly [RejectionKind, (p: Push) => string][] = [
  ['invalid_json', (p) => frame(p).slice(0, -3)],
  ['schema', (p) => frame(p, (d) => void (d[0]!.type = '"short"'))],
  ['schema', (p) => frame(p, (d) => void (d[0]!.id = '-5'))],
  ['schema', (p) => frame(p, (d) => void (d[0]!.price = '8000'))],
  ['schema', (p) => frame({ ...p, deals: [...p.deals, p.deals[0]!] }, (d) => d.reverse())],
  ['bad_decimal', (p) => frame(p, (d) => void (d[0]!.price = '"8e3"'))],
  ['bad_decimal', (p) => frame(p, (d) => void (d[0]!.amount = '"0x10"'))],
  ['non_positive_quantity', (p) => frame(p, (d) => void (d[0]!.amount = '"0.000"'))],
  ['non_positive_quantity', (p) => frame(p, (d) => void (d[0]!.amount = '"-1.5"'))],
  ['absurd_timestamp', (p) => frame(p, (d) => void (d[0]!.time = String(p.deals[0]!.micros)))],
  ['absurd_timestamp', (p) => frame(p, (d) => void (d[0]!.time = '1262304000.5'))],
  ['unknown_symbol', (p) => frame(p, undefined, p.market.toLowerCase())],
  ['unknown_symbol', (p) => frame(p, undefined, `${p.market.slice(0, 3)}/${p.market.slice(3)}`)],
  ['unknown_stream', (p) => frame(p, undefined, p.market, 'depth.update')],
];

describe('HotBit mapper on malformed frames (property)', () => {
  it('maps every well-formed push whole and in id order', () => {
    fc.assert(fc.property(pushArb, (p) => {
      const r = parseFrame(frame(p), NOW);
      if (r.type !== 'trades') throw new Error(JSON.stringify(r));
      expect(r.trades.map((t) => t.id)).toEqual(p.deals.map((_, i) => p.firstId + i * 3));
      expect(r.trades.map((t) => [t.price, t.qty, t.exchangeTimeMs])).toEqual(p.deals.map((d) => [d.price, d.amount, Math.floor(d.micros / 1000)]));
    }), { numRuns: 300 });
  });

  it.each(mutations.map(([kind, f], i) => [`${kind} #${i}`, kind, f] as const))('rejects %s', (_name, kind, mutate) => {
    fc.assert(fc.property(pushArb, (p) => {
      const r = parseFrame(mutate(p), NOW);
      expect(r).toMatchObject({ type: 'rejected', rejection: { kind } });
      if (r.type === 'rejected') expect(r.rejection.sample.length).toBeLessThanOrEqual(201);
    }), { numRuns: 100 });
  });
});
