import type { z } from 'zod';
import { errorMessage, ExgateError } from '@exgate/errors';

// What every exchange's REST client needs around Node's fetch, its errors worded `<exchange> <path>: …`.

/**
 * GETs `url` and reads its body, within `timeoutMs`. No answer (refused, reset, the timeout) is
 * EXCHANGE_UNAVAILABLE; every HTTP status is the caller's to read.
 */
export async function fetchText(exchange: string, path: string, url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<{ readonly res: Response; readonly text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  } catch (e) {
    // Duck-typed: fetch's DOMException may come from another realm than this module's Error.
    const timedOut = (e as { name?: unknown } | null)?.name === 'TimeoutError';
    const cause = (e as { cause?: unknown } | null)?.cause ?? e;
    throw new ExgateError('EXCHANGE_UNAVAILABLE', `${exchange} ${path}: ${timedOut ? `no answer within ${timeoutMs} ms` : errorMessage(cause)}`, { cause: e, details: { path } });
  }
  const text = await res.text().catch(() => '');
  return { res, text };
}

/** A body the exchange's schema refused: EXCHANGE_UNAVAILABLE, with a sample and the first issue. */
export function unexpectedBody(exchange: string, path: string, text: string, issue: string | undefined): ExgateError {
  return new ExgateError('EXCHANGE_UNAVAILABLE', `${exchange} ${path}: unexpected response body`, { details: { path, sample: text.slice(0, 200), issue } });
}

/**
 * `value` (by default the body's JSON) as `schema` reads it; a refusal is `unexpectedBody`, its
 * sample taken from the body's text.
 */
export function readBody<S extends z.ZodType>(exchange: string, path: string, text: string, schema: S, value: unknown = safeJson(text)): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw unexpectedBody(exchange, path, text, parsed.error.issues[0]?.message);
}

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
