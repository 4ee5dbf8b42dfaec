import { isRetriable } from '@exgate/errors';

/**
 * How a log reader rides out a handler that failed for a passing reason: an ExgateError marked
 * `retriable` (the store or the bus away for a moment, a broker restarting). The group comes
 * again from the committed position after a pause; the pauses double from `firstDelayMs` up to
 * `maxDelayMs`. After `attempts` failures in a row, or any failure that is not retriable, the
 * reader stops and its caller decides (a service exits and its orchestrator restarts it).
 */
export interface HandlerRetry {
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * About a minute in all (0.5 + 1 + 2 + 4 + 8 + 15 + 15 + 15 s): a broker restart takes 5–10 s
 * here, and kafkajs's own retries of one publish can give up before it is over.
 */
export const DEFAULT_HANDLER_RETRY: HandlerRetry = { attempts: 8, firstDelayMs: 500, maxDelayMs: 15_000 };

/** Told of each passing failure a reader rides out, as its pause begins (for a metric). */
export type OnHandlerRetry = (error: unknown, failuresInARow: number, delayMs: number) => void;

/** The count of a reader's failures in a row. */
export class HandlerRetries {
  private failures = 0;

  constructor(
    private readonly policy: HandlerRetry = DEFAULT_HANDLER_RETRY,
    private readonly onRetry?: OnHandlerRetry,
  ) {}

  /** The handler finished a group: the next failure starts the count again. */
  succeeded(): void {
    this.failures = 0;
  }

  /** How long to pause before the group comes again, or undefined when the reader is to stop. */
  next(error: unknown): number | undefined {
    if (!isRetriable(error) || this.failures >= this.policy.attempts) return undefined;
    const delayMs = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** this.failures);
    this.failures++;
    this.onRetry?.(error, this.failures, delayMs);
    return delayMs;
  }

  /** Failures in a row so far (for logs). */
  get count(): number {
    return this.failures;
  }
}
