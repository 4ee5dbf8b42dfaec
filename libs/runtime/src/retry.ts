import { isRetriable, type ExgateError } from '@exgate/errors';

/** Exponential backoff with full jitter: spreads reconnects of many clients after an outage. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs / 2 + random() * (ceiling - minMs / 2));
}

export interface RetryOptions {
  readonly attempts: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries only what the error catalogue says may succeed later, honouring a server's Retry-After. */
export async function retry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetriable(e) || attempt + 1 >= options.attempts) throw e;
      const hinted = (e as ExgateError).retryAfterMs;
      const delay = hinted ?? backoffMs(attempt, options.minMs, options.maxMs);
      options.onRetry?.(e, attempt + 1, delay);
      await wait(delay);
    }
  }
}
