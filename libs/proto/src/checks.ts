import { ExgateError, errorMessage, isExgateError } from '@exgate/errors';

/**
 * Shape checks shared by encoding and decoding. Protobuf happily decodes many byte strings into
 * *some* message (unknown fields are skipped, absent fields are zero), so the codec checks every
 * value it hands to the domain: a decoder that returns zeros for junk would write junk candles.
 */
class Invalid extends Error {}

export function invalid(reason: string): never {
  throw new Invalid(reason);
}

// Plain decimals only: what exchanges send and what ClickHouse Decimal columns parse exactly.
const DECIMAL = /^\d+(\.\d+)?$/;
// Exchange ids, symbols, intervals, schedules: printable ASCII, no spaces at the ends.
const IDENT = /^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/;

/** The tests behind decimal() and ident(), for readers that hand a refusal on instead of wording it. */
export const isDecimal = (value: string): boolean => DECIMAL.test(value);
export const isIdent = (value: string): boolean => IDENT.test(value);

export function decimal(value: string, field: string): string {
  if (!isDecimal(value)) invalid(`${field} is not a decimal string: ${JSON.stringify(value)}`);
  return value;
}

export function ident(value: string, field: string): string {
  if (!isIdent(value)) invalid(`${field} is not a printable identifier: ${JSON.stringify(value)}`);
  return value;
}

/** A wire int64/uint64 (a decimal string, see ts-proto's forceLong=string) as a safe integer. */
export function wireInt(digits: string, field: string): number {
  const n = Number(digits);
  if (!/^\d+$/.test(digits) || !Number.isSafeInteger(n)) {
    invalid(`${field} is not a non-negative safe integer: ${digits}`);
  }
  return n;
}

/** A domain integer the wire can carry: non-negative and safe. */
export function checkWireInt(n: number, field: string): void {
  if (!Number.isSafeInteger(n) || n < 0) invalid(`${field} is not a non-negative safe integer: ${n}`);
}

/** A domain integer as the wire's decimal string. */
export function toWireInt(n: number, field: string): string {
  checkWireInt(n, field);
  return String(n);
}

/** The domain value whose wire enum value is `value`; anything else (0 = unspecified too) is invalid. */
export function fromWireEnum<D extends string>(table: Readonly<Record<D, number>>, value: number, field: string): D {
  for (const [domain, wire] of Object.entries(table) as [D, number][]) if (wire === value) return domain;
  return invalid(`${field} has no known value: ${value}`);
}

/**
 * Bytes that do not decode into a valid message are MALFORMED_FRAME: they came from outside this
 * process, redelivering them cannot help (not retriable), and the consumer should set them aside
 * rather than crash. INTERNAL would claim a bug in our code, which a foreign or corrupt message is not.
 */
export function decoding<T>(message: string, bytes: Uint8Array, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new ExgateError('MALFORMED_FRAME', `undecodable ${message}: ${errorMessage(e)}`, {
      cause: e,
      details: { message, byteLength: bytes.length },
    });
  }
}

/** A domain value the codec cannot represent is a bug upstream (mappers validate first): INTERNAL. */
export function encoding<T>(message: string, encode: () => T): T {
  try {
    return encode();
  } catch (e) {
    if (isExgateError(e)) throw e;
    throw new ExgateError('INTERNAL', `cannot encode ${message}: ${errorMessage(e)}`, {
      cause: e,
      details: { message },
    });
  }
}
