import fc from 'fast-check';
import { INTERVALS, type Candle } from '@exgate/domain';
import { decodeCandle, encodeCandle, generatedDecodeCandle, generatedEncodeCandle } from './candle-codec';
import { readCandle } from './candle-wire';
import { damagedEncoding, outcome } from './testing/wire-arbitraries';

const decimalText = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 18n }).map(String),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 1, max: 10 }), fc.bigInt({ min: 0n, max: 10n ** 10n }))
    .map(([i, scale, f]) => `${i}.${f.toString().padStart(scale, '0').slice(0, scale)}`),
);
const safeInt = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());
const candle: fc.Arbitrary<Candle> = fc.record({
  exchange: fc.constantFrom('binance-usdm', 'okx', 'coinbase-intx', 'x'),
  symbol: fc.constantFrom('BTCUSDT', 'BTC-USDT-SWAP', 'ETH-PERP', 'A'),
  interval: fc.constantFrom(...INTERVALS),
  openTimeMs: safeInt, closeTimeMs: safeInt,
  open: decimalText, high: decimalText, low: decimalText, close: decimalText,
  volume: decimalText, quoteVolume: decimalText, takerBuyVolume: decimalText, takerBuyQuoteVolume: decimalText,
  tradeCount: safeInt,
  firstTradeId: fc.option(safeInt, { nil: null }), lastTradeId: fc.option(safeInt, { nil: null }),
  gapFree: fc.boolean(), state: fc.constantFrom('forming', 'closed', 'corrected'), version: safeInt,
});
/** Values the wire refuses: the same error from both encoders. */
const refused: fc.Arbitrary<Candle> = fc.tuple(candle, fc.constantFrom(
  { exchange: '' }, { symbol: ' BTC' }, { interval: '2m' }, { openTimeMs: -1 }, { closeTimeMs: 1.5 }, { open: '-1' },
  { takerBuyQuoteVolume: '1e5' }, { tradeCount: 2 ** 53 }, { firstTradeId: -3 }, { lastTradeId: Number.NaN },
  { state: 'open' }, { version: -1 },
)).map(([c, bad]) => ({ ...c, ...bad }) as Candle);

describe('the hand-written Candle codec, held to the generated one', () => {
  it('writes the very bytes the generated encoder writes, and reads back the candle', () => {
    fc.assert(fc.property(candle, (c) => {
      const bytes = encodeCandle(c);
      expect(Buffer.from(bytes).equals(Buffer.from(generatedEncodeCandle(c)))).toBe(true);
      expect(readCandle(bytes)).toEqual(c);
      expect(decodeCandle(bytes)).toEqual(generatedDecodeCandle(bytes));
    }), { numRuns: 3000 });
  });

  it('refuses what the generated encoder refuses, with the same error', () => {
    fc.assert(fc.property(refused, (c) => {
      expect(outcome(() => encodeCandle(c))).toEqual(outcome(() => generatedEncodeCandle(c)));
    }), { numRuns: 1000 });
  });

  it('decodes any bytes as the generated decoder does: the same candle or the same error', () => {
    const mutated = damagedEncoding(candle, generatedEncodeCandle);
    const anyBytes = fc.uint8Array({ maxLength: 80 });
    fc.assert(fc.property(fc.oneof(mutated, anyBytes), (bytes) => {
      expect(outcome(() => decodeCandle(bytes))).toEqual(outcome(() => generatedDecodeCandle(bytes)));
    }), { numRuns: 5000 });
  });

  it('leaves to the generated decoder what it is unsure of (a repeated field, an unknown one, non-ASCII text)', () => {
    const c = { ...(fc.sample(candle, { numRuns: 1, seed: 7 })[0]!), exchange: 'okx' };
    const bytes = generatedEncodeCandle(c);
    const repeated = Uint8Array.from([...bytes, 10, 3, 0x62, 0x79, 0x62]); // field 1 again: "byb"
    const unknown = Uint8Array.from([...bytes, 160, 1, 5]); // field 20
    expect(readCandle(repeated)).toBeNull();
    expect(decodeCandle(repeated)).toEqual({ ...c, exchange: 'byb' });
    expect(readCandle(unknown)).toBeNull();
    expect(decodeCandle(unknown)).toEqual(c);
  });
});
