import type { DialectErrorReply, Failure } from '../common/scope';

/** Binance's error codes exgate answers with (binance-spot-api-docs errors.md; the futures ones are the same). */
export const BINANCE = {
  UNKNOWN: -1000,
  DISCONNECTED: -1001,
  TOO_MANY_REQUESTS: -1003,
  ILLEGAL_CHARS: -1100,
  TOO_MANY_PARAMETERS: -1101,
  MANDATORY_PARAM_EMPTY_OR_MALFORMED: -1102,
  BAD_INTERVAL: -1120,
  BAD_SYMBOL: -1121,
  INVALID_TIME_INTERVAL: -1127,
  OPTIONAL_PARAMS_BAD_COMBO: -1128,
  INVALID_PARAMETER: -1130,
  PATH_NOT_FOUND: -5000,
} as const;

/** The code a shared helper's failure gets, by the parameter it names. */
const BY_FIELD: Readonly<Record<string, number>> = {
  symbol: BINANCE.BAD_SYMBOL,
  interval: BINANCE.BAD_INTERVAL,
};

/** `{code, msg}` with Binance's HTTP statuses: 400 for bad input, 429 for too many requests. */
export function binanceErrors(f: Failure): DialectErrorReply {
  if (f.status === 429) return { status: 429, body: { code: BINANCE.TOO_MANY_REQUESTS, msg: f.message } };
  if (f.status >= 500) {
    const code = f.status === 503 ? BINANCE.DISCONNECTED : BINANCE.UNKNOWN;
    return { status: f.status, body: { code, msg: f.status === 503 ? `Internal error; unable to process your request. Please try again. (${f.message})` : 'An unknown error occurred while processing the request.' } };
  }
  if (f.code === 'NOT_FOUND') return { status: 404, body: { code: BINANCE.PATH_NOT_FOUND, msg: f.message } };
  if (f.code === 'UNKNOWN_SYMBOL') return { status: 400, body: { code: BINANCE.BAD_SYMBOL, msg: `Invalid symbol. (${f.message})` } };
  const code = f.dialectCode ?? (f.field ? BY_FIELD[f.field] : undefined) ?? BINANCE.INVALID_PARAMETER;
  const msg = f.dialectCode !== undefined ? f.message : code === BINANCE.INVALID_PARAMETER && f.field ? `Data sent for parameter '${f.field}' is not valid. (${f.message})` : f.message;
  return { status: f.status === 404 ? 400 : f.status, body: { code, msg } };
}
