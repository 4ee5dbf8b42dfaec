import fc from 'fast-check';
import type { Trade, TradeBatch } from '@exgate/domain';
import { decodeTradeBatch, encodeTradeBatch, generatedDecodeTradeBatch, generatedEncodeTradeBatch } from './trade-codec';
import { readTradeBatch } from './trade-read';
import { damagedEncoding, outcome } from './testing/wire-arbitraries';

const decimalText = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 18n }).map(String),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: 0n, max: 10n ** 8n })).map(([i, f]) => `${i}.${f}`),
);
/** Every varint length: a bit length first, then a number of it, and each length's edges (2^7k − 1, 2^7k, 2^31 and 2^32 ± 1). */
const anyLength = fc.integer({ min: 1, max: 53 }).chain((bits) => fc.bigInt({ min: 2n ** BigInt(bits - 1), max: 2n ** BigInt(bits) - 1n })).map(Number);
const edges = fc.constantFrom(...[7, 14, 21, 28, 31, 32, 35, 42, 49].flatMap((b) => [2 ** b - 1, 2 ** b, 2 ** b + 1]), Number.MAX_SAFE_INTEGER);
const safeInt = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.maxSafeNat(), anyLength, edges);
const stream = fc.record({
  exchange: fc.constantFrom('binance-usdm', 'bybit', 'x'),
  symbol: fc.constantFrom('BTCUSDT', 'ETH-PERP', 'A'),
  kind: fc.constantFrom('trade' as const, 'aggTrade' as const),
});
const trade = (s: { exchange: string; symbol: string; kind: Trade['kind'] }): fc.Arbitrary<Trade> => fc.record({
  id: safeInt, firstTradeId: safeInt, lastTradeId: safeInt, price: decimalText, qty: decimalText,
  isBuyerMaker: fc.boolean(), market: fc.boolean(), exchangeTimeMs: safeInt, eventTimeMs: safeInt, receivedAtMs: safeInt,
  sourceId: fc.option(fc.constantFrom('b3f1c2d4-0000-4e5f-9a9b-1234567890ab', '18446744073709551615', 'x'), { nil: undefined }),
}).map((t) => ({ ...s, ...t, ...(t.sourceId === undefined ? { sourceId: undefined } : {}) }) as Trade);
const range = fc.tuple(safeInt, safeInt).map(([a, b]) => ({ fromMs: Math.min(a, b), toMs: Math.max(a, b) }));
const batch: fc.Arbitrary<TradeBatch> = stream.chain((s) => fc.record({
  trades: fc.array(trade(s), { maxLength: 6 }),
  watermarkMs: fc.option(safeInt, { nil: null }),
  gap: fc.option(range, { nil: null }),
}).map((b) => ({ ...s, ...b })));
/** Values the wire refuses (or a batch that mixes streams): the same error from both encoders. */
const refused: fc.Arbitrary<TradeBatch> = fc.tuple(batch, fc.nat(), fc.constantFrom(
  { exchange: '' }, { symbol: ' x' }, { kind: 'quote' }, { watermarkMs: -1 }, { gap: { fromMs: 5, toMs: 4 } }, { gap: { fromMs: -1, toMs: 4 } },
  { trade: { id: -1 } }, { trade: { lastTradeId: 2 ** 53 } }, { trade: { price: '1e3' } }, { trade: { qty: '' } },
  { trade: { receivedAtMs: 0.5 } }, { trade: { sourceId: '' } }, { trade: { sourceId: 'a b' } }, { trade: { symbol: 'OTHER' } },
)).map(([b, at, bad]) => {
  if (!('trade' in bad)) return { ...b, ...bad } as TradeBatch;
  const trades = b.trades.length === 0 ? [] : b.trades.map((t, i) => (i === at % b.trades.length ? { ...t, ...bad.trade } : t));
  return { ...b, trades } as TradeBatch;
});

describe('the hand-written TradeBatch encoder, held to the generated one', () => {
  it('writes the very bytes the generated encoder writes, which decode to the batch', () => {
    fc.assert(fc.property(batch, (b) => {
      const bytes = encodeTradeBatch(b);
      expect(Buffer.from(bytes).equals(Buffer.from(generatedEncodeTradeBatch(b)))).toBe(true);
      const back = decodeTradeBatch(bytes);
      expect(back).toEqual({ ...b, trades: b.trades.map(({ sourceId, ...t }) => (sourceId === undefined ? t : { ...t, sourceId })) });
    }), { numRuns: 2000 });
  });

  it('refuses what the generated encoder refuses, with the same error', () => {
    fc.assert(fc.property(refused, (b) => {
      expect(outcome(() => encodeTradeBatch(b))).toEqual(outcome(() => generatedEncodeTradeBatch(b)));
    }), { numRuns: 2000 });
  });
});

describe('the hand-written TradeBatch reader, held to the generated decoder', () => {
  it('reads back every batch the encoder writes, as the generated decoder does', () => {
    fc.assert(fc.property(batch, (b) => {
      const bytes = encodeTradeBatch(b);
      const read = readTradeBatch(bytes);
      expect(read).not.toBeNull();
      expect(read).toEqual(generatedDecodeTradeBatch(bytes));
    }), { numRuns: 2000 });
  });

  it('decodes any bytes as the generated decoder does: the same batch or the same error', () => {
    const mutated = damagedEncoding(batch, generatedEncodeTradeBatch);
    const anyBytes = fc.uint8Array({ maxLength: 120 });
    fc.assert(fc.property(fc.oneof(mutated, anyBytes), (bytes) => {
      expect(outcome(() => decodeTradeBatch(bytes))).toEqual(outcome(() => generatedDecodeTradeBatch(bytes)));
    }), { numRuns: 5000 });
  });

  it('leaves to the generated decoder what it is unsure of (a repeated field, an unknown one, a boolean of 2, non-ASCII text)', () => {
    const sample = fc.sample(batch, { numRuns: 1, seed: 11 })[0]!;
    const b: TradeBatch = { ...sample, exchange: 'okx', trades: sample.trades.map((t) => ({ ...t, exchange: 'okx' })), watermarkMs: 5, gap: null };
    const bytes = encodeTradeBatch(b);
    const cases = {
      repeated: [...bytes, 10, 3, 0x62, 0x79, 0x62], // field 1 again: "byb", the last one wins
      unknown: [...bytes, 160, 1, 5], // field 20, skipped
      trueAsTwo: [...bytes, 34, 2, 48, 2], // one more trade whose is_buyer_maker is 2 (true), all else zero: refused (no price)
      nonAscii: [...bytes.subarray(0, 2), 0xc3, 0xa9], // "é" in the exchange id, cut short: refused
    };
    for (const [name, list] of Object.entries(cases)) {
      const weird = Uint8Array.from(list);
      expect({ name, read: readTradeBatch(weird) }).toEqual({ name, read: null });
      expect({ name, outcome: outcome(() => decodeTradeBatch(weird)) }).toEqual({ name, outcome: outcome(() => generatedDecodeTradeBatch(weird)) });
    }
    expect(decodeTradeBatch(Uint8Array.from(cases.repeated))).toMatchObject({ exchange: 'byb', watermarkMs: 5 });
    expect(decodeTradeBatch(Uint8Array.from(cases.unknown))).toEqual(generatedDecodeTradeBatch(bytes));
  });
});
