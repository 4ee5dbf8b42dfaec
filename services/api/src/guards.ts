import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ExgateError } from '@exgate/errors';
import type { TokenBucketLimiter } from './rate-limit';

/**
 * The control routes' bearer check. Both sides are hashed first so the comparison takes the same
 * time whatever the length or content of the guess.
 */
export function bearerGuard(token: string): (request: FastifyRequest) => void {
  const expected = digest(token);
  return (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new ExgateError('UNAUTHENTICATED', 'this control route needs Authorization: Bearer <token>');
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      throw new ExgateError('PERMISSION_DENIED', 'the bearer token is not valid for control routes');
    }
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** 429 with Retry-After (seconds, rounded up) once the client's bucket is empty. */
export function rateGuard(limiter: TokenBucketLimiter): (request: FastifyRequest) => void {
  return (request) => {
    const admission = limiter.take(request.ip);
    if (admission.allowed) return;
    throw new ExgateError('RATE_LIMITED', 'too many requests from this client: slow down and retry after the delay', {
      retryAfterMs: admission.retryAfterMs,
    });
  };
}
