import { ExgateError } from '@exgate/errors';

/** Bad input naming its parameter; every dialect turns it into its own 4xx. */
export function badParam(field: string, message: string): ExgateError {
  return new ExgateError('INVALID_ARGUMENT', message, { details: { field } });
}

/** Bad input in a dialect's own terms: its error code and its HTTP status (400 unless said). */
export function dialectError(dialectCode: number, message: string, field?: string): ExgateError {
  return new ExgateError('INVALID_ARGUMENT', message, { details: { dialectCode, ...(field === undefined ? {} : { field }) } });
}

/** A symbol exgate does not collect on that exchange: 404 unless a dialect says otherwise. */
export function notCollected(exchangeId: string, symbol: string): ExgateError {
  return new ExgateError('UNKNOWN_SYMBOL', `exgate does not collect ${symbol} on ${exchangeId}`, { details: { field: 'symbol' } });
}

/** A caller's value inside a message: quoted and cut short. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 48 ? `${value.slice(0, 48)}…` : value);
}

/** The most candles one dialect request returns (INTX's own cap, as ccxt pages it). */
export const MAX_DIALECT_CANDLES = 10_000;
