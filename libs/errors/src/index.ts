/**
 * One catalogue of typed errors for every service. Retries branch on `retriable`; the API maps
 * `grpcCode` to the rpcStatus body and `httpStatus` to the response (grpc-gateway's mapping).
 */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** grpc-gateway's runtime.HTTPStatusFromCode. */
export function httpStatusOf(code: GrpcCode): number {
  switch (code) {
    case GrpcCode.OK: return 200;
    case GrpcCode.CANCELLED: return 499;
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION:
    case GrpcCode.OUT_OF_RANGE: return 400;
    case GrpcCode.DEADLINE_EXCEEDED: return 504;
    case GrpcCode.NOT_FOUND: return 404;
    case GrpcCode.ALREADY_EXISTS:
    case GrpcCode.ABORTED: return 409;
    case GrpcCode.PERMISSION_DENIED: return 403;
    case GrpcCode.UNAUTHENTICATED: return 401;
    case GrpcCode.RESOURCE_EXHAUSTED: return 429;
    case GrpcCode.UNIMPLEMENTED: return 501;
    case GrpcCode.UNAVAILABLE: return 503;
    default: return 500;
  }
}

export interface ErrorSpec {
  readonly grpcCode: GrpcCode;
  readonly retriable: boolean;
}

/** Every error exgate raises on purpose. Codes are stable: logs, metrics and clients key on them. */
export const ERRORS = {
  INVALID_ARGUMENT: { grpcCode: GrpcCode.INVALID_ARGUMENT, retriable: false },
  UNKNOWN_EXCHANGE: { grpcCode: GrpcCode.INVALID_ARGUMENT, retriable: false },
  UNKNOWN_SYMBOL: { grpcCode: GrpcCode.NOT_FOUND, retriable: false },
  UNSUPPORTED_INTERVAL: { grpcCode: GrpcCode.INVALID_ARGUMENT, retriable: false },
  NOT_PULLED: { grpcCode: GrpcCode.FAILED_PRECONDITION, retriable: false },
  NOT_FOUND: { grpcCode: GrpcCode.NOT_FOUND, retriable: false },
  UNAUTHENTICATED: { grpcCode: GrpcCode.UNAUTHENTICATED, retriable: false },
  PERMISSION_DENIED: { grpcCode: GrpcCode.PERMISSION_DENIED, retriable: false },
  RATE_LIMITED: { grpcCode: GrpcCode.RESOURCE_EXHAUSTED, retriable: true },
  MALFORMED_FRAME: { grpcCode: GrpcCode.INVALID_ARGUMENT, retriable: false },
  EXCHANGE_UNAVAILABLE: { grpcCode: GrpcCode.UNAVAILABLE, retriable: true },
  EXCHANGE_REJECTED: { grpcCode: GrpcCode.FAILED_PRECONDITION, retriable: false },
  EXCHANGE_BANNED: { grpcCode: GrpcCode.UNAVAILABLE, retriable: true },
  BUS_UNAVAILABLE: { grpcCode: GrpcCode.UNAVAILABLE, retriable: true },
  STORE_UNAVAILABLE: { grpcCode: GrpcCode.UNAVAILABLE, retriable: true },
  STORE_QUERY_FAILED: { grpcCode: GrpcCode.INTERNAL, retriable: false },
  CONFIG_INVALID: { grpcCode: GrpcCode.FAILED_PRECONDITION, retriable: false },
  INTERNAL: { grpcCode: GrpcCode.INTERNAL, retriable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ExgateErrorOptions {
  readonly cause?: unknown;
  /** Structured facts for logs and the rpcStatus details (never secrets). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Overrides the catalogue, e.g. a 429 with a known Retry-After. */
  readonly retriable?: boolean;
  readonly retryAfterMs?: number;
}

export class ExgateError extends Error {
  readonly code: ErrorCode;
  readonly grpcCode: GrpcCode;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: ExgateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExgateError';
    this.code = code;
    this.grpcCode = ERRORS[code].grpcCode;
    this.retriable = options.retriable ?? ERRORS[code].retriable;
    this.details = options.details ?? {};
    this.retryAfterMs = options.retryAfterMs;
  }

  get httpStatus(): number {
    return httpStatusOf(this.grpcCode);
  }
}

export function isExgateError(e: unknown, code?: ErrorCode): e is ExgateError {
  return e instanceof ExgateError && (code === undefined || e.code === code);
}

/** Retries only what the catalogue (or the thrower) says may succeed later. */
export function isRetriable(e: unknown): boolean {
  return e instanceof ExgateError ? e.retriable : false;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  // An Error of another realm (node's own, seen from a vm context such as jest's) fails instanceof.
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}
