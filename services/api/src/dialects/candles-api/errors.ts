import type { DialectErrorReply, Failure } from '../common/scope';
import { CANDLES_API_INTERVALS } from './map';

/** Seed 003's messages, word for word where the seed gives them. */
export const MISSING_PARAMS = 'Missing required query parameters: symbol and interval';
export const INVALID_INTERVAL = 'Invalid interval value';

/** `{error}` bodies: the seed's 400s exactly, `{error, message}` for everything else (as its 500). */
export function candlesApiErrors(f: Failure): DialectErrorReply {
  if (f.status >= 500) return { status: f.status, body: { error: f.status === 503 ? 'Service unavailable' : 'Internal server error', message: f.message } };
  if (f.message === MISSING_PARAMS) return { status: 400, body: { error: MISSING_PARAMS } };
  if (f.field === 'interval') return { status: 400, body: { error: INVALID_INTERVAL, allowedIntervals: [...CANDLES_API_INTERVALS] } };
  if (f.status === 404) return { status: 404, body: { error: 'Not found', message: f.message } };
  if (f.status === 429) return { status: 429, body: { error: 'Too many requests', message: f.message } };
  return { status: f.status, body: { error: `Invalid ${f.field ?? 'request'} value`, message: f.message } };
}
