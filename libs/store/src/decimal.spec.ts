import Decimal from 'decimal.js';
import fc from 'fast-check';
import { isExgateError } from '@exgate/errors';
import { PRICE_QTY, QUOTE_VOLUME, toColumnDecimal } from './decimal';

describe('toColumnDecimal', () => {
  it('spells exchange decimals the shortest way without changing their value', () => {
    expect(toColumnDecimal('63943.90', PRICE_QTY, 'price')).toBe('63943.9');
    expect(toColumnDecimal('28165.47000000', PRICE_QTY, 'price')).toBe('28165.47');
    expect(toColumnDecimal('0.00000001', PRICE_QTY, 'price')).toBe('0.00000001');
    expect(toColumnDecimal('000100.000', PRICE_QTY, 'qty')).toBe('100');
    expect(toColumnDecimal('-0.000', PRICE_QTY, 'qty')).toBe('0');
    expect(toColumnDecimal('-12.50', PRICE_QTY, 'qty')).toBe('-12.5');
    // Trailing zeros past the scale lose nothing, so they are accepted.
    expect(toColumnDecimal('1.50000000000000000000000', PRICE_QTY, 'qty')).toBe('1.5');
  });

  it('refuses what the column would truncate, overflow or misread', () => {
    for (const [value, column] of [
      ['0.0000000000000000001', PRICE_QTY], ['123456789012345678901', PRICE_QTY], ['1e-8', PRICE_QTY],
      ['.5', PRICE_QTY], ['5.', PRICE_QTY], ['+1', PRICE_QTY], [' 1', PRICE_QTY], ['', PRICE_QTY], ['NaN', PRICE_QTY],
      [0.5, PRICE_QTY], [null, PRICE_QTY], ['1.' + '1'.repeat(37), QUOTE_VOLUME],
    ] as const) {
      let error: unknown = null;
      try {
        toColumnDecimal(value, column, 'x');
      } catch (e) {
        error = e;
      }
      expect(isExgateError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('keeps the exact value of every decimal that fits Decimal(38, 18)', () => {
    const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
    const decimal = fc.tuple(fc.boolean(), digits(20), fc.option(digits(18), { nil: undefined }))
      .map(([negative, integer, fraction]) => `${negative ? '-' : ''}${integer}${fraction === undefined ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(decimal, (value) => {
        const stored = toColumnDecimal(value, PRICE_QTY, 'price');
        expect(new Decimal(stored).eq(new Decimal(value))).toBe(true);
        expect(stored).not.toMatch(/\.\d*0$|^-?0\d|^-0$/);
      }),
    );
  });

  it('answers as the regular expression does for any text of digits, points, signs and zeros', () => {
    // The scan that spells most values, held to the regular-expression path it skips.
    const reference = (value: string, integerDigits: number, scale: number): string => {
      const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
      if (!match) return 'refused';
      const integer = match[2]!.replace(/^0+(?=\d)/, '');
      const fraction = (match[3] ?? '').replace(/0+$/, '');
      if (integer.length > integerDigits || fraction.length > scale) return 'refused';
      const sign = match[1] === '-' && !(integer === '0' && fraction === '') ? '-' : '';
      return fraction === '' ? `${sign}${integer}` : `${sign}${integer}.${fraction}`;
    };
    const outcome = (value: string, column: typeof PRICE_QTY) => {
      try {
        return toColumnDecimal(value, column, 'x');
      } catch (e) {
        return isExgateError(e, 'INVALID_ARGUMENT') ? 'refused' : 'other error';
      }
    };
    const text = fc.array(fc.constantFrom('0', '0', '1', '9', '5', '.', '-', '+', 'e', ' '), { maxLength: 45 }).map((cs) => cs.join(''));
    const long = fc.tuple(fc.stringMatching(/^[1-9][0-9]{0,41}$/), fc.stringMatching(/^[0-9]{0,40}[1-9]$/)).map(([i, f]) => `${i}.${f}`);
    fc.assert(fc.property(fc.oneof(text, long, fc.stringMatching(/^[0-9]{1,22}$/)), fc.constantFrom(PRICE_QTY, QUOTE_VOLUME), (value, column) => {
      expect(outcome(value, column)).toBe(reference(value, column.integerDigits, column.scale));
    }), { numRuns: 20_000 });
  });
});
