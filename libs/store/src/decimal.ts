import { ExgateError } from '@exgate/errors';

/** A Decimal(P, S) column: at most P − S digits before the point and S after it. */
export interface DecimalColumn {
  readonly integerDigits: number;
  readonly scale: number;
}

/** Decimal(38, 18): every price and quantity Binance lists (≤ 8 decimals, < 1e20) with room to spare. */
export const PRICE_QTY: DecimalColumn = { integerDigits: 20, scale: 18 };
/**
 * Decimal(76, 36): Σ price·qty. Scale 36 is the scale of a product of two Decimal(38, 18) values,
 * so any quote volume built from storable trades is storable exactly.
 */
export const QUOTE_VOLUME: DecimalColumn = { integerDigits: 40, scale: 36 };

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The shortest spelling of a plain decimal string ("063943.90" → "63943.9", "-0.0" → "0"), or an
 * INVALID_ARGUMENT error when it is not a plain decimal or does not fit the column. ClickHouse
 * would silently drop fractional digits beyond the scale; refusing here keeps every stored value exact.
 */
export function toColumnDecimal(value: unknown, column: DecimalColumn, field: string): string {
  const match = typeof value === 'string' ? PLAIN_DECIMAL.exec(value) : null;
  if (!match) {
    throw new ExgateError('INVALID_ARGUMENT', `${field} must be a plain decimal string, got ${JSON.stringify(value)}`, {
      details: { field, value },
    });
  }
  const integer = (match[2] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (integer.length > column.integerDigits || fraction.length > column.scale) {
    throw new ExgateError(
      'INVALID_ARGUMENT',
      `${field} ${value} does not fit Decimal(${column.integerDigits + column.scale}, ${column.scale}) exactly`,
      { details: { field, value } },
    );
  }
  const isZero = integer === '0' && fraction === '';
  const sign = match[1] === '-' && !isZero ? '-' : '';
  return fraction === '' ? `${sign}${integer}` : `${sign}${integer}.${fraction}`;
}
