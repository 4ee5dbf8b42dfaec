import { CronExpressionParser } from 'cron-parser';
import { isInterval } from '@exgate/domain';
import type { ScheduleSpec } from './deps';
import { invalidArgument, quote } from './errors';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * `{cron_interval}`: a kline interval (`1m`, `5m`, `1h`, ...) or a cron expression in UTC with 5
 * fields (minute precision) or 6 (seconds first), or a macro like `@hourly`. Returned normalised
 * to 6 fields so equal schedules compare equal wherever they are stored.
 */
export function parseSchedule(raw: string): ScheduleSpec {
  const text = raw.trim();
  if (isInterval(text)) return { kind: 'interval', interval: text };
  const fields = text.split(/\s+/);
  const isMacro = fields.length === 1 && MACROS.has(text.toLowerCase());
  if (!isMacro && fields.length !== 5 && fields.length !== 6) {
    throw bad(raw, 'expected a kline interval (1m, 5m, 1h, ...) or a cron expression of 5 or 6 fields');
  }
  // cron-parser's hashed fields (H) pick values from a seed: replicas would disagree on the time.
  if (fields.some((f) => /(^|[,/-])H/.test(f))) throw bad(raw, 'hashed (H) cron fields are not supported');
  try {
    const expression = CronExpressionParser.parse(fields.length === 5 ? `0 ${text}` : text, { tz: 'UTC', strict: false });
    return { kind: 'cron', expression: expression.stringify(true) };
  } catch (e) {
    throw bad(raw, e instanceof Error ? e.message : 'not a cron expression');
  }
}

function bad(raw: string, why: string) {
  return invalidArgument(`invalid cron_interval ${quote(raw)}: ${why}`, [{ field: 'cron_interval', description: why }]);
}
