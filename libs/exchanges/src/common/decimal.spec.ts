import fc from 'fast-check';
import { decimalAt, isPlainDecimal, isPositiveDecimal, isPositiveDecimalText, NOT_PLAIN_DECIMAL, POSITIVE_DECIMAL, ZERO_DECIMAL } from './decimal';

/** Texts near the edges of a plain decimal: leading zeros, lone points, signs, exponents, lengths 40 and 41. */
const decimalish = fc.oneof(
  fc.stringMatching(/^-?[0-9]{0,3}\.?[0-9]{0,3}$/),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', 'e', ' ', '+'), maxLength: 8 }),
  fc.constantFrom('1'.repeat(40), '1'.repeat(41), `0.${'0'.repeat(38)}`, `0.${'0'.repeat(37)}1`, `0.${'0'.repeat(38)}1`),
);

describe('decimalAt: the regex checks by hand', () => {
  it('says what isPlainDecimal and isPositiveDecimal say, also read inside a longer text', () => {
    fc.assert(fc.property(decimalish, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (value, before, after) => {
      const expected = !isPlainDecimal(value) ? NOT_PLAIN_DECIMAL : isPositiveDecimal(value) ? POSITIVE_DECIMAL : ZERO_DECIMAL;
      expect(decimalAt(`${before}${value}${after}`, before.length, before.length + value.length)).toBe(expected);
      expect(isPositiveDecimalText(value)).toBe(isPositiveDecimal(value));
    }), { numRuns: 2000 });
  });

  it.each([['63943.90', POSITIVE_DECIMAL], ['0.000', ZERO_DECIMAL], ['0', ZERO_DECIMAL], ['01.5', NOT_PLAIN_DECIMAL], ['1.', NOT_PLAIN_DECIMAL], ['', NOT_PLAIN_DECIMAL]])('%s', (value, kind) => {
    expect(decimalAt(value, 0, value.length)).toBe(kind);
  });
});
