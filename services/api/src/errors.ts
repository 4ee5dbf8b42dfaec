import { ExgateError, GrpcCode, httpStatusOf } from '@exgate/errors';

/** google.rpc.Status as grpc-gateway writes it (`rpcStatus` in the contract). */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly details: readonly unknown[];
}

export interface ErrorReply {
  readonly httpStatus: number;
  readonly body: RpcStatus;
  readonly retryAfterMs?: number;
  /** True when the cause is ours, not the caller's: it is logged and its message hidden. */
  readonly internal: boolean;
}

export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** A 400 naming the parameter, with google.rpc.BadRequest details as grpc-gateway renders them. */
export function invalidArgument(message: string, violations: readonly FieldViolation[] = []): ExgateError {
  return new ExgateError('INVALID_ARGUMENT', message, { details: { fieldViolations: violations } });
}

const HIDDEN_CODES: ReadonlySet<number> = new Set([GrpcCode.UNKNOWN, GrpcCode.INTERNAL, GrpcCode.DATA_LOSS]);

export function errorReply(error: unknown): ErrorReply {
  if (error instanceof ExgateError) {
    if (HIDDEN_CODES.has(error.grpcCode)) return internalReply();
    return {
      httpStatus: httpStatusOf(error.grpcCode),
      body: { code: error.grpcCode, message: error.message, details: detailsOf(error) },
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      internal: false,
    };
  }
  // fastify's own client errors (malformed URL, params too long, ...) carry a 4xx statusCode.
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = grpcCodeOfClientStatus(status);
    const message = error instanceof Error ? error.message : 'bad request';
    return { httpStatus: httpStatusOf(code), body: { code, message, details: [] }, internal: false };
  }
  return internalReply();
}

function internalReply(): ErrorReply {
  return {
    httpStatus: 500,
    body: { code: GrpcCode.INTERNAL, message: 'internal error', details: [] },
    internal: true,
  };
}

function grpcCodeOfClientStatus(status: number): GrpcCode {
  switch (status) {
    case 401: return GrpcCode.UNAUTHENTICATED;
    case 403: return GrpcCode.PERMISSION_DENIED;
    case 404: return GrpcCode.NOT_FOUND;
    case 408: return GrpcCode.DEADLINE_EXCEEDED;
    case 409: return GrpcCode.ABORTED;
    case 429: return GrpcCode.RESOURCE_EXHAUSTED;
    default: return GrpcCode.INVALID_ARGUMENT;
  }
}

function detailsOf(error: ExgateError): unknown[] {
  const details: unknown[] = [];
  const violations = error.details['fieldViolations'];
  if (Array.isArray(violations) && violations.length > 0) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations });
  }
  if (error.retryAfterMs !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${(error.retryAfterMs / 1000).toFixed(3)}s`,
    });
  }
  return details;
}

/** A caller's value inside a message: quoted, and cut so a huge input cannot bloat the reply. */
export function quote(value: string): string {
  const cut = value.length > 48 ? `${value.slice(0, 48)}…` : value;
  return JSON.stringify(cut);
}
