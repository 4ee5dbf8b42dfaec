import { ExgateError } from '@exgate/errors';

/** DateTime64(3) ends at 2299-12-31 23:59:59.999 UTC. */
export const MAX_TIME_MS = 10_413_791_999_999;

/** A non-negative safe integer (ids, counts, versions) or INVALID_ARGUMENT. */
export function toUInt(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new ExgateError('INVALID_ARGUMENT', `${field} must be a non-negative safe integer, got ${String(value)}`, {
    details: { field, value },
  });
}

/** Milliseconds since the epoch that DateTime64(3, 'UTC') can hold, or INVALID_ARGUMENT. */
export function toTimeMs(value: unknown, field: string): number {
  const ms = toUInt(value, field);
  if (ms > MAX_TIME_MS) {
    throw new ExgateError('INVALID_ARGUMENT', `${field} ${ms} is beyond year 2299`, { details: { field, value } });
  }
  return ms;
}

/**
 * A 64-bit integer read back from JSON: a string when the engine quotes them (the store asks it
 * to), a number otherwise. Anything past 2^53 cannot be a JS number without loss: refuse it.
 */
export function fromUInt64(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  throw new ExgateError('STORE_QUERY_FAILED', `${field} read back as ${String(value)}: not a safe integer`, {
    details: { field, value },
  });
}

export function fromNullableUInt64(value: unknown, field: string): number | null {
  return value === null || value === undefined ? null : fromUInt64(value, field);
}
