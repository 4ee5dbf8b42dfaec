import type { NatsConnection, Subscription } from 'nats';
import { ExgateError } from '@exgate/errors';
import type { Logger } from '@exgate/runtime';
import type { EventBus, Unsubscribe } from '../ports';
import { isValidPattern, isValidSubject } from '../subject';
import { natsError } from './connect';

export interface NatsEventBusOptions {
  readonly logger: Logger;
  /** Close the connection with the bus (when the bus opened it). */
  readonly ownsConnection?: boolean;
  /**
   * Puts every subject on the wire as `<namespace>.<subject>` (EXGATE_NAMESPACE), so deployments
   * sharing one NATS do not hear each other; callers and handlers only see the plain subjects.
   */
  readonly namespace?: string;
}

/** Core NATS pub/sub: at most once, wildcards as NATS has them. */
/** Past this many distinct subjects the kept wire names start over (a bound, not a working size). */
const MAX_KEPT_SUBJECTS = 100_000;

export class NatsEventBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly log: Logger;
  /** `<namespace>.`, or '' without a namespace. */
  private readonly prefix: string;
  /** Subjects published to, checked, with their names on the wire. */
  private readonly wireSubjects = new Map<string, string>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsEventBusOptions,
  ) {
    this.log = options.logger.child({ component: 'event-bus' });
    const namespace = options.namespace ?? '';
    if (namespace && !isValidSubject(namespace)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject prefix: ${namespace}`);
    this.prefix = namespace ? `${namespace}.` : '';
  }

  publish(subject: string, payload: Uint8Array): void {
    // A process publishes to the same few subjects (its series) hundreds of thousands of times:
    // each is checked once and its wire name kept.
    let wire = this.wireSubjects.get(subject);
    if (wire === undefined) {
      if (!isValidSubject(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject: ${subject}`);
      if (this.wireSubjects.size >= MAX_KEPT_SUBJECTS) this.wireSubjects.clear();
      this.wireSubjects.set(subject, (wire = this.prefix + subject));
    }
    try {
      this.nc.publish(wire, payload);
    } catch (e) {
      throw natsError(`cannot publish to ${subject}`, e);
    }
  }

  subscribe(subject: string, handler: (payload: Uint8Array, subject: string) => void): Unsubscribe {
    if (!isValidPattern(subject)) throw new ExgateError('INVALID_ARGUMENT', `not a NATS subject pattern: ${subject}`);
    const sub = this.nc.subscribe(this.prefix + subject, {
      callback: (err, msg) => {
        if (err) {
          this.log.error({ err, subject }, 'subscription failed');
          return;
        }
        try {
          handler(msg.data, msg.subject.slice(this.prefix.length));
        } catch (e) {
          this.log.error({ err: e, subject: msg.subject }, 'event handler threw');
        }
      },
    });
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
      sub.unsubscribe();
    };
  }

  async flush(): Promise<void> {
    try {
      await this.nc.flush();
    } catch (e) {
      throw natsError('cannot flush to NATS', e);
    }
  }

  /** Stops this bus's subscriptions; publishes already made are flushed first. */
  async close(): Promise<void> {
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.subscriptions.clear();
    if (this.nc.isClosed()) return;
    if (this.options.ownsConnection) await this.nc.drain();
    else await this.flush();
  }
}
