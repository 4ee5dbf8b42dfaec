import { CronExpressionParser } from 'cron-parser';
import { InvalidScheduleError } from './errors';
import { isInterval, nextOpenTimeMs, openTimeMs, type IntervalId } from './interval';

/**
 * A scanner schedule, as the API stores it and the scheduler fires it. One grammar for both, so
 * whatever the API accepts the scheduler can fire:
 * - a kline interval (`1m`, `1h`, `1w`, `1M`): fires as its candles close, on the same alignment
 *   (Monday weeks, calendar months);
 * - a duration from 1s to 7d (`30s`, `7m`, `90m`, `2d`): fires on every multiple of it since the
 *   epoch;
 * - a cron expression in UTC, 5 fields or 6 with seconds first, or a macro (`@hourly`, ...).
 *
 * `spec` is the canonical text: equal schedules get equal specs, which is what the KV key
 * (`scheduleKey`) is made of, so a schedule is stored once.
 */
export type Schedule =
  | { readonly kind: 'interval'; readonly spec: IntervalId; readonly interval: IntervalId }
  | { readonly kind: 'every'; readonly spec: string; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly spec: string };

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest first: the canonical duration uses the largest unit that divides it. */
const UNITS: readonly Unit[] = ['d', 'h', 'm', 's'];
const DURATION = /^(\d{1,7})([smhd])$/;
const MIN_EVERY_MS = UNIT_MS.s;
const MAX_EVERY_MS = 7 * UNIT_MS.d;

/**
 * Expanded by hand: cron-parser knows neither `@midnight` nor upper case. The expansions are what
 * cron-parser's own aliases stringify to, so specs stored before this table keep their keys.
 */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** Hashed fields (`H`, `H/5`, `1,H`): cron-parser picks their values from a seed per process. */
const HASHED = /(^|[^a-z])h/i;

const GRAMMAR =
  'expected a kline interval (1m, 1h, 1w, 1M, ...), a duration from 1s to 7d (30s, 7m, 90m, ...), ' +
  'a cron expression of 5 or 6 fields, or a macro (@hourly, @daily, @weekly, @monthly, @yearly)';

/** Parses and normalises, or throws InvalidScheduleError. Pure: reads no clock. */
export function parseSchedule(input: string): Schedule {
  const text = input.trim();
  if (text === '') throw new InvalidScheduleError(input, `it is empty; ${GRAMMAR}`);
  if (isInterval(text)) return { kind: 'interval', spec: text, interval: text };
  const duration = DURATION.exec(text);
  if (duration) return every(input, Number.parseInt(duration[1]!, 10) * UNIT_MS[duration[2] as Unit]);
  return { kind: 'cron', spec: cronSpec(input, text) };
}

function every(input: string, everyMs: number): Schedule {
  if (everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
    throw new InvalidScheduleError(input, 'a duration must be between 1s and 7d');
  }
  const unit = UNITS.find((u) => everyMs % UNIT_MS[u] === 0)!;
  const spec = `${everyMs / UNIT_MS[unit]}${unit}`;
  // `60s` is `1m` and `72h` is `3d`: those intervals are also multiples since the epoch. `7d` is
  // not `1w`, whose weeks start on Monday; no duration spells it.
  return isInterval(spec) ? { kind: 'interval', spec, interval: spec } : { kind: 'every', spec, everyMs };
}

/** Six fields as cron-parser stringifies them: the form the API has always stored. */
function cronSpec(input: string, text: string): string {
  let fields: string[];
  if (text.startsWith('@')) {
    const expansion = MACROS[text.toLowerCase()];
    if (expansion === undefined) throw new InvalidScheduleError(input, `unknown macro; ${GRAMMAR}`);
    fields = expansion.split(' ');
  } else {
    fields = text.split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) throw new InvalidScheduleError(input, GRAMMAR);
    // Replicas (and restarts) would disagree on when a hashed field fires.
    if (fields.some((f) => HASHED.test(f))) {
      throw new InvalidScheduleError(input, 'hashed (H) cron fields are not supported: each process would pick its own time');
    }
    if (fields.length === 5) fields = ['0', ...fields];
  }
  try {
    const expression = parseCron(fields.join(' '), 0);
    expression.next(); // a field combination that never fires throws here, not in the scheduler
    return expression.stringify(true);
  } catch (e) {
    throw new InvalidScheduleError(input, e instanceof Error ? e.message : 'not a cron expression');
  }
}

/** The first fire time strictly after `afterMs` (UTC ms). */
export function nextFireMs(schedule: Schedule, afterMs: number): number {
  switch (schedule.kind) {
    case 'interval':
      return nextOpenTimeMs(schedule.interval, openTimeMs(schedule.interval, afterMs));
    case 'every':
      return (Math.floor(afterMs / schedule.everyMs) + 1) * schedule.everyMs;
    case 'cron':
      return parseCron(schedule.spec, afterMs).next().getTime();
  }
}

// `currentDate` is always passed, so cron-parser never reads the clock.
function parseCron(expression: string, currentMs: number) {
  return CronExpressionParser.parse(expression, { tz: 'UTC', strict: false, currentDate: new Date(currentMs) });
}
