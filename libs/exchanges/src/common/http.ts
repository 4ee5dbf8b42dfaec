import { ExgateError } from '@exgate/errors';

/**
 * Small pieces every exchange's REST client needs (Binance, Bybit and HotBit still carry their own
 * copies; new clients take these).
 */

/** A `limit` the caller passed: a whole number in 1..max, else INVALID_ARGUMENT before any I/O. */
export function checkLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ExgateError('INVALID_ARGUMENT', `limit ${limit} is outside 1..${max}`, { details: { limit, max } });
  }
}

/** JSON.parse that answers undefined for a body that is not JSON (the schema then says what is wrong). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in whole seconds → ms; undefined when absent or not seconds. */
export function retryAfterSecondsMs(header: string | null): number | undefined {
  return header !== null && /^\d+$/.test(header.trim()) ? Number.parseInt(header, 10) * 1000 : undefined;
}
