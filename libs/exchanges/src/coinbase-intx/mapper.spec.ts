import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Trade } from '@exgate/domain';
import type { RejectionKind } from '../types';
import { isoMs, parseFrame } from './mapper';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8').split('\n').filter((l) => l.trim() !== '');
const [nautilusMatch] = fixture('nautilus-ws_match.json');
const [tardisMatch] = fixture('tardis-node-mappers-test-trade-messages.jsonl');
const [nautilusCandles] = fixture('nautilus-ws_candles.json');
const [docMatch, docCandle] = fixture('doc-examples.jsonl');
const RECEIVED = 1_800_000_000_000;

function parsed(raw: string) {
  const r = parseFrame(raw, RECEIVED);
  if (r.type !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(r)}`);
  return r;
}
const trades = (raw: string): Trade[] => [...parsed(raw).trades];

describe('Coinbase INTX mapper on real MATCH messages', () => {
  it('maps the nautilus capture (BTC-PERP, 2025-03-14): match_id as sourceId, taker side, exchange and receive time', () => {
    expect(trades(nautilusMatch!)).toEqual([{
      exchange: 'coinbase-intx', symbol: 'BTC-PERP', kind: 'trade', id: 0, sourceId: '423596942694547460', firstTradeId: 0, lastTradeId: 0,
      price: '84374', qty: '0.0213', isBuyerMaker: false, market: true,
      exchangeTimeMs: Date.UTC(2025, 2, 14, 23, 3, 1, 189), eventTimeMs: Date.UTC(2025, 2, 14, 23, 3, 1, 189), receivedAtMs: RECEIVED,
    }]);
    // Past 2^53: as a number it could not be told from its neighbours, so ids never become numbers.
    expect(Number.isSafeInteger(Number('423596942694547460'))).toBe(false);
  });

  it('carries the sequence with the prints, for the connection to check (tardis capture, SOL-PERP, sequence 101)', () => {
    const r = parsed(tardisMatch!);
    expect(r.sequence).toEqual({ stream: 'MATCH', value: 101 });
    expect(r.trades).toMatchObject([{ symbol: 'SOL-PERP', sourceId: '374491378496831495', price: '177.202', qty: '3.584', isBuyerMaker: false }]);
  });

  it("maps the documentation's example; a taker sell is a buyer-maker print; an opening fill counts in candles", () => {
    const doc = JSON.parse(docMatch!) as Record<string, unknown>;
    expect(trades(docMatch!)).toMatchObject([{ symbol: 'BTC-PERP', sourceId: '177101110052388865', price: '28833.1', qty: '0.006', exchangeTimeMs: Date.UTC(2023, 4, 10, 14, 58, 47, 2) }]);
    expect(trades(JSON.stringify({ ...doc, aggressor_side: 'SELL' }))[0]!.isBuyerMaker).toBe(true);
    expect(trades(JSON.stringify({ ...doc, aggressor_side: 'OPENING_FILL' }))[0]).toMatchObject({ isBuyerMaker: true, market: true });
  });

  it('reads subscription snapshots as control frames and REJECTs as errors; other channels are not collected', () => {
    expect(parseFrame('{"channels":[{"name":"MATCH","product_ids":["BTC-PERP","ETH-PERP"]}],"authenticated":true,"channel":"SUBSCRIPTIONS","type":"SNAPSHOT","time":"2023-05-30T16:53:46.847Z"}', RECEIVED))
      .toEqual({ type: 'control', detail: 'subscriptions MATCH=[BTC-PERP,ETH-PERP]' });
    expect(parseFrame('{"channel":"SUBSCRIPTIONS","type":"REJECT","message":"Authentication failed","reason":"invalid signature"}', RECEIVED))
      .toEqual({ type: 'control', detail: 'error Authentication failed: invalid signature' });
    expect(parseFrame(nautilusCandles!, RECEIVED)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_stream' } });
    expect(parseFrame(docCandle!, RECEIVED)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_stream' } });
  });

  it('reads ISO times with any fraction, cut to the millisecond, and nothing else', () => {
    expect(isoMs('2024-04-23T00:00:00Z')).toBe(Date.UTC(2024, 3, 23));
    expect(isoMs('2024-10-30T10:55:02.347Z')).toBe(Date.UTC(2024, 9, 30, 10, 55, 2, 347));
    expect(isoMs('2024-10-30T10:55:02.3479999Z')).toBe(Date.UTC(2024, 9, 30, 10, 55, 2, 347));
    expect(isoMs('2024-10-30T10:55:02.3+01:00')).toBeNull();
    expect(isoMs('1714435200')).toBeNull();
  });
});

describe('Coinbase INTX mapper on malformed frames', () => {
  const base = JSON.parse(nautilusMatch!) as Record<string, unknown>;
  const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
  const cases: [string, string, RejectionKind][] = [
    ['not JSON', '{"channel":"MATCH",', 'invalid_json'],
    ['an array', '[1,2]', 'schema'],
    ['no channel', '{"type":"UPDATE"}', 'schema'],
    ['a number price', variant({ trade_price: 84374 }), 'schema'],
    ['no sequence', variant({ sequence: undefined }), 'schema'],
    ['a negative sequence', variant({ sequence: -1 }), 'schema'],
    ['an unknown side', variant({ aggressor_side: 'MAYBE' }), 'schema'],
    ['a non-numeric match_id', variant({ match_id: 'abc' }), 'schema'],
    ['exponent price', variant({ trade_price: '8.4e4' }), 'bad_decimal'],
    ['zero price', variant({ trade_price: '0' }), 'bad_decimal'],
    ['negative size', variant({ trade_qty: '-0.5' }), 'non_positive_quantity'],
    ['zero size', variant({ trade_qty: '0.000' }), 'non_positive_quantity'],
    ['epoch seconds for time', variant({ time: '1741993381' }), 'absurd_timestamp'],
    ['a time before 2017', variant({ time: '2016-01-01T00:00:00.000Z' }), 'absurd_timestamp'],
    ['a time far in the future', variant({ time: '2099-01-01T00:00:00.000Z' }), 'absurd_timestamp'],
    ['a lower-case instrument', variant({ product_id: 'btc-perp' }), 'unknown_symbol'],
  ];
  it.each(cases)('rejects %s as %s', (_what, raw, kind) => {
    const r = parseFrame(raw, RECEIVED);
    expect(r).toMatchObject({ type: 'rejected', rejection: { kind } });
    if (r.type === 'rejected') expect(r.rejection.sample.length).toBeLessThanOrEqual(201);
  });

  it('keeps the sequence of a MATCH message rejected for its content, where it can be read', () => {
    const numbered = { stream: 'MATCH', value: base.sequence as number };
    expect(parseFrame(variant({ trade_price: '8.4e4' }), RECEIVED)).toMatchObject({ type: 'rejected', sequence: numbered });
    expect(parseFrame(variant({ trade_price: 84374 }), RECEIVED)).toMatchObject({ type: 'rejected', sequence: numbered });
    expect(parseFrame(variant({ product_id: 'btc-perp' }), RECEIVED)).toMatchObject({ type: 'rejected', sequence: numbered });
    for (const unnumbered of [variant({ sequence: -1 }), variant({ sequence: 1.5 }), variant({ sequence: '7' }), '{"channel":"MATCH","sequence":7', variant({ channel: 'LEVEL1' })]) {
      expect(parseFrame(unnumbered, RECEIVED)).not.toHaveProperty('sequence');
    }
  });

  it('property: any MATCH message of the schema maps to one exact print or is rejected with a kind, never throws', () => {
    const decimal = fc.tuple(fc.nat({ max: 10_000_000 }), fc.option(fc.stringMatching(/^\d{1,8}$/))).map(([i, f]) => (f === null ? String(i) : `${i}.${f}`));
    const message = fc.record({
      channel: fc.constant('MATCH'), type: fc.constant('UPDATE'), sequence: fc.nat(),
      product_id: fc.oneof(fc.constantFrom('BTC-PERP', 'ETH-PERP', 'BTC-USDC'), fc.string({ maxLength: 12 })),
      match_id: fc.oneof(fc.stringMatching(/^\d{1,19}$/), fc.string({ maxLength: 5 })),
      trade_price: fc.oneof(decimal, fc.string({ maxLength: 6 })), trade_qty: fc.oneof(decimal, fc.string({ maxLength: 6 })),
      aggressor_side: fc.constantFrom('BUY', 'SELL', 'OPENING_FILL', 'NONE'),
      time: fc.oneof(fc.integer({ min: Date.UTC(2017, 0, 1), max: RECEIVED }).map((ms) => new Date(ms).toISOString()), fc.string({ maxLength: 10 })),
    });
    fc.assert(fc.property(message, (m) => {
      const r = parseFrame(JSON.stringify(m), RECEIVED);
      if (r.type === 'rejected') return;
      expect(r.type).toBe('trades');
      if (r.type !== 'trades') return;
      expect(r.sequence).toEqual({ stream: 'MATCH', value: m.sequence });
      expect(r.trades).toHaveLength(1);
      const t = r.trades[0]!;
      // Exactly the wire's strings: no float ever touched them.
      expect([t.symbol, t.sourceId, t.price, t.qty, t.exchangeTimeMs]).toEqual([m.product_id, m.match_id, m.trade_price, m.trade_qty, Date.parse(m.time)]);
      expect(t.isBuyerMaker).toBe(m.aggressor_side !== 'BUY');
    }), { numRuns: 500 });
  });
});
