import type { DialectErrorReply, Failure } from '../common/scope';

/** ViaBTC's error codes, which HotBit answered with (accessws/aw_server.c). */
export const HOTBIT_ERROR = {
  INVALID_ARGUMENT: 1,
  INTERNAL_ERROR: 2,
  SERVICE_UNAVAILABLE: 3,
  METHOD_NOT_FOUND: 4,
  SERVICE_TIMEOUT: 5,
} as const;

export interface HotbitErrorBody {
  readonly error: { readonly code: number; readonly message: string };
  readonly result: null;
  readonly id: number | string | null;
}

/** ViaBTC's words first ("invalid argument"), then what exactly was wrong. */
export function hotbitErrorBody(f: Failure, id: number | string | null): HotbitErrorBody {
  const [code, words] =
    f.status >= 500 ? (f.status === 503 ? [HOTBIT_ERROR.SERVICE_UNAVAILABLE, 'service unavailable'] : [HOTBIT_ERROR.INTERNAL_ERROR, 'internal error'])
    : f.code === 'NOT_FOUND' ? [HOTBIT_ERROR.METHOD_NOT_FOUND, 'method not found']
    : [HOTBIT_ERROR.INVALID_ARGUMENT, 'invalid argument'];
  const message = f.status >= 500 || f.message === words ? words : `${words}: ${f.message}`;
  return { error: { code, message }, result: null, id };
}

/** REST: the `{error, result, id}` envelope with a 4xx for the caller's mistakes. */
export function hotbitErrors(f: Failure): DialectErrorReply {
  return { status: f.status, body: hotbitErrorBody(f, 0) };
}
