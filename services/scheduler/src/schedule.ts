import { CronExpressionParser } from 'cron-parser';
import { isInterval, nextOpenTimeMs, openTimeMs, type IntervalId } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';

/**
 * A scanner schedule: a kline interval (`1m`, `1h`, `1w`, `1M`: fires when its candles close, on
 * the same alignment — Monday weeks, calendar months), a duration (`30s`, `1m`, `5m`, `1h`, `1d`), firing on every multiple
 * of it since the epoch (so `1m` fires at :00 of each minute, as candles close), or a cron
 * expression (5 or 6 fields, UTC).
 */
export type Schedule =
  | { readonly kind: 'interval'; readonly spec: string; readonly interval: IntervalId }
  | { readonly kind: 'every'; readonly spec: string; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly spec: string };

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]{0,4})([smhd])$/;
const MIN_EVERY_MS = 1_000;
const MAX_EVERY_MS = 7 * UNIT_MS.d;

export function parseSchedule(spec: string): Schedule {
  const trimmed = spec.trim();
  if (isInterval(trimmed)) return { kind: 'interval', spec: trimmed, interval: trimmed };
  const duration = DURATION.exec(trimmed);
  if (duration) {
    const everyMs = Number.parseInt(duration[1]!, 10) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    if (everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
      throw new ExgateError('INVALID_ARGUMENT', `schedule "${spec}" must be between 1s and 7d`);
    }
    return { kind: 'every', spec: trimmed, everyMs };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ExgateError(
      'INVALID_ARGUMENT',
      `schedule "${spec}" is neither a duration like 30s, 1m, 5m, 1h, 1d nor a cron expression of 5 or 6 fields`,
    );
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: 'UTC', currentDate: new Date(0) }).next();
  } catch (e) {
    throw new ExgateError('INVALID_ARGUMENT', `schedule "${spec}" is not a valid cron expression: ${(e as Error).message}`);
  }
  return { kind: 'cron', spec: trimmed };
}

/** The first fire time strictly after `afterMs`. */
export function nextFireMs(schedule: Schedule, afterMs: number): number {
  if (schedule.kind === 'interval') return nextOpenTimeMs(schedule.interval, openTimeMs(schedule.interval, afterMs));
  if (schedule.kind === 'every') return (Math.floor(afterMs / schedule.everyMs) + 1) * schedule.everyMs;
  return CronExpressionParser.parse(schedule.spec, { tz: 'UTC', currentDate: new Date(afterMs) }).next().getTime();
}
