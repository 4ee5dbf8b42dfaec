import { decodeScheduleRecord, subjects, type EventBus, type KeyValueStore, type ScheduleRecord, type Unsubscribe } from '@exgate/bus';
import { InvalidScheduleError, type Schedule } from '@exgate/domain';
import { nextFireMs, parseSchedule } from '@exgate/domain/schedule';
import { ExgateError, errorMessage } from '@exgate/errors';
import { encodeTick } from '@exgate/proto';
import type { Clock, Logger, MetricsRegistry } from '@exgate/runtime';
import type { Leadership } from './leadership';

export interface SchedulerDeps {
  readonly schedules: KeyValueStore;
  readonly events: EventBus;
  readonly leadership: Leadership;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** How often the loop looks at the clock. */
  readonly pollIntervalMs: number;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass of the loop: emits what is due. Exposed so tests drive time by hand. */
  poll(): Promise<number>;
}

interface Armed {
  readonly key: string;
  readonly entry: ScheduleRecord;
  readonly schedule: Schedule;
  nextMs: number;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { clock, logger } = deps;
  const ticks = deps.metrics.counter('exgate_scheduler_ticks_total', 'Scanner ticks emitted');
  const leaderGauge = deps.metrics.gauge('exgate_scheduler_leader', 'This replica leads (1) or follows (0)');
  const armed = new Map<string, Armed>();
  let unwatch: Unsubscribe | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<number> | null = null;
  let leading = false;

  function arm(key: string, value: string | undefined): void {
    if (value === undefined) {
      armed.delete(key);
      return;
    }
    const entry = decodeScheduleRecord(value);
    try {
      if (!entry) throw new Error('unreadable record');
      const schedule = readSchedule(entry.schedule);
      armed.set(key, { key, entry, schedule, nextMs: nextFireMs(schedule, clock.nowMs()) });
      logger.info({ exchange: entry.exchange, schedule: entry.schedule }, 'schedule armed');
    } catch (e) {
      logger.warn({ key, err: errorMessage(e) }, 'ignoring a schedule this version cannot read');
    }
  }

  async function pollOnce(): Promise<number> {
    const now = clock.nowMs();
    const lead = await deps.leadership.check(now);
    if (lead !== leading) logger.info({ leading: lead }, lead ? 'took scheduler leadership' : 'following');
    leading = lead;
    leaderGauge.set(lead ? 1 : 0);
    let emitted = 0;
    for (const a of armed.values()) {
      if (now < a.nextMs) continue;
      // After a pause (leader change, stall) one tick for the latest due time is enough: the
      // aggregator closes everything up to it.
      let due = a.nextMs;
      while (nextFireMs(a.schedule, due) <= now) due = nextFireMs(a.schedule, due);
      a.nextMs = nextFireMs(a.schedule, due);
      if (!lead) continue;
      const tick = { exchange: a.entry.exchange, schedule: a.schedule.spec, tickTimeMs: due, scheduleId: a.key };
      deps.events.publish(subjects.tick(a.entry.exchange), encodeTick(tick));
      ticks.inc({ exchange: a.entry.exchange, schedule: a.schedule.spec });
      emitted++;
    }
    if (emitted > 0) await deps.events.flush();
    return emitted;
  }

  const poll = (): Promise<number> => {
    polling ??= pollOnce().finally(() => {
      polling = null;
    });
    return polling;
  };

  return {
    poll,
    async start() {
      unwatch = await deps.schedules.watch(arm);
      for (const [key, value] of await deps.schedules.entries()) arm(key, value);
      timer = setInterval(() => {
        poll().catch((e: unknown) => logger.error({ err: errorMessage(e) }, 'scheduler poll failed'));
      }, deps.pollIntervalMs);
    },
    async stop() {
      unwatch?.();
      if (timer) clearInterval(timer);
      if (polling) await polling.catch(() => 0);
      if (leading) await deps.leadership.release();
    },
  };
}

/** The API's grammar (it validated the record before storing it); a refusal is INVALID_ARGUMENT. */
function readSchedule(spec: string): Schedule {
  try {
    return parseSchedule(spec);
  } catch (e) {
    if (e instanceof InvalidScheduleError) throw new ExgateError('INVALID_ARGUMENT', e.message, { cause: e });
    throw e;
  }
}
