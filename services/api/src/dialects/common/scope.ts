import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ExgateError, GrpcCode, httpStatusOf } from '@exgate/errors';

/** A dialect's answer to a failure: its own body, the HTTP status, extra headers. */
export interface DialectErrorReply {
  readonly status: number;
  /** A string is sent as is (already JSON); anything else is serialised. */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What went wrong, in exgate's terms, for a dialect to put in its own words. */
export interface Failure {
  readonly status: number;
  /** The ExgateError code, or INTERNAL for anything unexpected (its message is then hidden). */
  readonly code: string;
  readonly message: string;
  /** The parameter a validation error names, when it names one. */
  readonly field?: string;
  /** A dialect's own error code, when the dialect raised the error itself (Binance's -1121, ...). */
  readonly dialectCode?: number;
  readonly retryAfterMs?: number;
}

export type DialectErrors = (failure: Failure) => DialectErrorReply;

const HIDDEN: ReadonlySet<number> = new Set([GrpcCode.UNKNOWN, GrpcCode.INTERNAL, GrpcCode.DATA_LOSS]);

/** Any thrown value → a Failure; our faults and unknown errors say only "internal error". */
export function failureOf(error: unknown): Failure {
  if (error instanceof ExgateError) {
    if (HIDDEN.has(error.grpcCode)) return { status: 500, code: 'INTERNAL', message: 'internal error' };
    const field = error.details['field'];
    const dialectCode = error.details['dialectCode'];
    return {
      status: httpStatusOf(error.grpcCode),
      code: error.code,
      message: error.message,
      ...(typeof field === 'string' ? { field } : {}),
      ...(typeof dialectCode === 'number' ? { dialectCode } : {}),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  // fastify's own client errors (bad URL encoding, oversized params) carry a 4xx statusCode.
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status: 400, code: 'INVALID_ARGUMENT', message: error instanceof Error ? error.message : 'bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

export function sendDialectError(reply: FastifyReply, errors: DialectErrors, error: unknown): void {
  const failure = failureOf(error);
  const r = errors(failure);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (failure.retryAfterMs !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000))));
  void reply.code(r.status).type('application/json; charset=utf-8').send(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
}

/**
 * Registers a dialect under `prefix` in its own fastify scope: its routes, its error handler and
 * its not-found answer, so nothing under the prefix ever answers in another dialect's words.
 */
export async function dialectScope(
  app: FastifyInstance,
  prefix: string,
  errors: DialectErrors,
  routes: (scope: FastifyInstance) => void,
  /** Only the prefix itself is the dialect's (HotBit's /v2 websocket): other paths under it are not. */
  exact = false,
): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler((error, request: FastifyRequest, reply) => {
        if (failureOf(error).status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
        sendDialectError(reply, errors, error);
      });
      if (!exact) {
        scope.setNotFoundHandler((request, reply) => {
          const path = request.url.split('?', 1)[0]?.slice(0, 200) ?? '';
          sendDialectError(reply, errors, new ExgateError('NOT_FOUND', `no route ${request.method} ${path}`));
        });
      }
      routes(scope);
    },
    { prefix },
  );
}
