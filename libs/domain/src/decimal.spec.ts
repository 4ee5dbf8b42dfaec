import Decimal from 'decimal.js';
import fc from 'fast-check';
import { compareDecimalStrings, compareScaled, formatScaled, MAX_SAFE, scanDecimal, scanned } from './decimal';
import { ExactSum } from './exact-sum';

const D = Decimal.clone({ precision: 200 });

/** Unsigned decimal strings as exchanges send them: 0–20 integer digits, 0–18 decimals. */
const decimalText = fc
  .tuple(fc.stringMatching(/^(0|[1-9]\d{0,19})$/), fc.option(fc.stringMatching(/^\d{1,18}$/), { nil: undefined }))
  .map(([int, frac]) => (frac === undefined ? int : `${int}.${frac}`));

function valueOf(m: number | bigint, s: number): Decimal {
  return new D(m.toString()).div(new D(10).pow(s));
}

describe('scanDecimal', () => {
  it('reads mantissa, trimmed scale and wire scale', () => {
    expect(scanDecimal('28165.47000000')).toBe(true);
    expect({ ...scanned }).toEqual({ m: 2816547, s: 2, wireScale: 8, big: null });
    expect(scanDecimal('0.003')).toBe(true);
    expect({ ...scanned }).toEqual({ m: 3, s: 3, wireScale: 3, big: null });
    expect(scanDecimal('12')).toBe(true);
    expect({ ...scanned }).toEqual({ m: 12, s: 0, wireScale: 0, big: null });
  });

  it('moves to BigInt past 2^53 without losing a digit', () => {
    expect(scanDecimal('123456789012345678.901')).toBe(true);
    expect(scanned.big).toBe(123456789012345678901n);
    expect(Number.isNaN(scanned.m)).toBe(true);
    expect(scanned.s).toBe(3);
  });

  it.each(['', '.5', '5.', '1.2.3', '-1', '+1', '1e5', '0x10', ' 1', '1,5', 'NaN'])('refuses %j', (text) => {
    expect(scanDecimal(text)).toBe(false);
  });

  it('equals decimal.js on any decimal string (property)', () => {
    fc.assert(fc.property(decimalText, (text) => {
      expect(scanDecimal(text)).toBe(true);
      expect(valueOf(scanned.big ?? scanned.m, scanned.s).eq(new D(text))).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('formatScaled', () => {
  it.each([
    [278426261770, 5, 5, '2784262.61770'],
    [500, 3, 1, '0.5'],
    [1000, 3, 0, '1'],
    [5, 0, 3, '5.000'],
    [0, 8, 8, '0.00000000'],
    [12345, 2, 5, '123.45000'],
    [100000001, 8, 8, '1.00000001'],
    [123456789012345, 4, 2, '12345678901.2345'],
    [10n ** 30n, 2, 0, '10000000000000000000000000000'],
  ] as const)('formats %s / 10^%d with ≥ %d decimals as %s', (m, s, minScale, text) => {
    expect(formatScaled(m, s, minScale)).toBe(text);
  });

  it('round-trips every value exactly and never shows fewer than minScale decimals (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10 }),
      (big, s, minScale) => {
        const m = big <= BigInt(MAX_SAFE) ? Number(big) : big;
        const text = formatScaled(m, s, minScale);
        expect(new D(text).eq(valueOf(big, s))).toBe(true);
        const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
        expect(decimals).toBeGreaterThanOrEqual(minScale);
        expect(decimals).toBeLessThanOrEqual(Math.max(s, minScale));
      }), { numRuns: 3000 });
  });
});

describe('ExactSum', () => {
  it('sums any decimal strings exactly, across the move to BigInt (property)', () => {
    fc.assert(fc.property(fc.array(decimalText, { maxLength: 40 }), (texts) => {
      const sum = new ExactSum();
      let expected = new D(0);
      for (const text of texts) {
        scanDecimal(text);
        if (scanned.big === null) sum.add(scanned.m, scanned.s);
        else sum.addBig(scanned.big, scanned.s);
        expected = expected.plus(text);
      }
      expect(new D(sum.format(0)).eq(expected)).toBe(true);
    }), { numRuns: 1000 });
  });

  it('keeps exact sums of products of prices and quantities (Σ price·qty)', () => {
    const sum = new ExactSum();
    const other = new ExactSum();
    for (let i = 0; i < 1000; i++) {
      sum.add(6394390 * 17, 5); // 63943.90 × 0.017
      other.add(99999999999999, 8);
    }
    sum.addSum(other);
    expect(sum.format(5)).toBe(new D('63943.90').times('0.017').times(1000).plus(new D('999999.99999999').times(1000)).toFixed());
    expect(other.big).not.toBeNull();
  });

  it('compares mantissas of different scales exactly', () => {
    fc.assert(fc.property(decimalText, decimalText, (a, b) => {
      scanDecimal(a);
      const [am, as, abig] = [scanned.m, scanned.s, scanned.big];
      scanDecimal(b);
      const sign = compareScaled(am, as, abig, scanned.m, scanned.s, scanned.big);
      expect(sign).toBe(new D(a).cmp(b));
      expect(compareDecimalStrings(a, b)).toBe(sign);
    }), { numRuns: 2000 });
  });
});
