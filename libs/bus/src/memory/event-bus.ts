import { ExgateError } from '@exgate/errors';
import type { EventBus, Unsubscribe } from '../ports';
import { isValidPattern, isValidSubject, subjectMatches } from '../subject';

type Handler = (payload: Uint8Array, subject: string) => void;

/**
 * NATS core semantics in one process: fire and forget, wildcard subscriptions, delivery after
 * `publish` returns (never re-entrantly), each subscriber its own copy of the bytes.
 */
export class MemoryEventBus implements EventBus {
  private readonly subscriptions = new Set<{ pattern: string; handler: Handler }>();
  private pending = 0;
  private drained: (() => void)[] = [];
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown, subject: string) => void = () => {}) {}

  publish(subject: string, payload: Uint8Array): void {
    if (!isValidSubject(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject: ${subject}`);
    if (this.closed) throw new ExgateError('BUS_UNAVAILABLE', 'the event bus is closed', { retriable: false });
    const targets = [...this.subscriptions].filter((s) => subjectMatches(s.pattern, subject));
    if (targets.length === 0) return;
    this.pending++;
    setImmediate(() => {
      for (const target of targets) {
        if (!this.subscriptions.has(target)) continue;
        try {
          target.handler(payload.slice(), subject);
        } catch (e) {
          this.onHandlerError(e, subject);
        }
      }
      if (--this.pending === 0) for (const done of this.drained.splice(0)) done();
    });
  }

  subscribe(subject: string, handler: Handler): Unsubscribe {
    if (!isValidPattern(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject pattern: ${subject}`);
    const subscription = { pattern: subject, handler };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** Resolves once every message published so far has been handed to its subscribers. */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.subscriptions.clear();
  }
}
