import { ExgateError } from '@exgate/errors';
import type { EventBus, Unsubscribe } from '../ports';
import { isValidPattern, isValidSubject, subjectMatches } from '../subject';

type Handler = (payload: Uint8Array, subject: string) => void;
interface Subscription {
  readonly pattern: string;
  readonly handler: Handler;
}

/**
 * NATS core semantics in one process: fire and forget, wildcard subscriptions, delivery after
 * `publish` returns (never re-entrantly), each subscriber its own copy of the bytes, in publish
 * order. An aggregator replaying history publishes a few hundred thousand candles a minute, so a
 * publish costs a map lookup (the subscriptions matching a subject are remembered until the
 * subscriptions change) and a push: what was published in one turn is delivered in one
 * setImmediate, not one each.
 */
export class MemoryEventBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly matching = new Map<string, readonly Subscription[]>();
  private queue: { subject: string; payload: Uint8Array; targets: readonly Subscription[] }[] = [];
  private drained: (() => void)[] = [];
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown, subject: string) => void = () => {}) {}

  publish(subject: string, payload: Uint8Array): void {
    let targets = this.matching.get(subject);
    if (!targets) {
      if (!isValidSubject(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject: ${subject}`);
      targets = [...this.subscriptions].filter((s) => subjectMatches(s.pattern, subject));
      this.matching.set(subject, targets);
    }
    if (this.closed) throw new ExgateError('BUS_UNAVAILABLE', 'the event bus is closed', { retriable: false });
    if (targets.length === 0) return;
    if (this.queue.length === 0) setImmediate(() => this.deliver());
    this.queue.push({ subject, payload, targets });
  }

  subscribe(subject: string, handler: Handler): Unsubscribe {
    if (!isValidPattern(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject pattern: ${subject}`);
    const subscription = { pattern: subject, handler };
    this.subscriptions.add(subscription);
    this.matching.clear();
    return () => {
      this.subscriptions.delete(subscription);
      this.matching.clear();
    };
  }

  /** Resolves once every message published so far has been handed to its subscribers. */
  flush(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.subscriptions.clear();
    this.matching.clear();
  }

  private deliver(): void {
    const batch = this.queue;
    this.queue = [];
    for (const { subject, payload, targets } of batch) {
      for (const target of targets) {
        // Unsubscribed after the publish: as NATS, it gets nothing more.
        if (!this.subscriptions.has(target)) continue;
        try {
          target.handler(payload.slice(), subject);
        } catch (e) {
          this.onHandlerError(e, subject);
        }
      }
    }
    // Published by a handler above: delivered in the next turn, and flush waits for those too.
    if (this.queue.length === 0) for (const done of this.drained.splice(0)) done();
  }
}
