import type { z } from 'zod';
import { ExgateError } from '@exgate/errors';
import { InvalidScheduleError, type IntervalId, type Schedule } from '@exgate/domain';
import { parseSchedule } from '@exgate/domain/schedule';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { ApiDeps } from './deps';
import { invalidArgument, quote } from './errors';
import { effectiveTzOffsetMs, nativeTzOffsetMs } from './window';

export interface Target {
  readonly exchange: ExchangeInfo;
  readonly symbol: string;
}

export interface SeriesTarget extends Target {
  readonly interval: IntervalId;
}

/** Exchange name or alias, case-insensitive; the error lists the ones exgate knows. */
export function resolveExchange(deps: ApiDeps, raw: string): ExchangeInfo {
  const info = deps.exchanges.resolve(raw.toLowerCase());
  if (info) return info;
  const known = deps.exchanges
    .list()
    .map((e) => (e.aliases.length > 0 ? `${e.id} (alias ${e.aliases.join(', ')})` : e.id))
    .join(', ');
  throw new ExgateError('UNKNOWN_EXCHANGE', `unknown exchange ${quote(raw)}; known: ${known}`, {
    details: { fieldViolations: [{ field: 'exchange', description: `known: ${known}` }] },
  });
}

/** Upper case, then the exchange's own symbol syntax: checked before any I/O. */
export function normaliseSymbol(exchange: ExchangeInfo, raw: string): string {
  const symbol = raw.toUpperCase();
  if (symbol.length <= 64 && exchange.symbolPattern.test(symbol)) return symbol;
  throw invalidArgument(`invalid symbol ${quote(raw)} for ${exchange.id}: expected ${exchange.symbolPattern.source}`, [
    { field: 'symbol', description: `must match ${exchange.symbolPattern.source}` },
  ]);
}

/** Only the intervals this exchange supports, listed in the error (futures have no 1s). */
export function exchangeInterval(exchange: ExchangeInfo, raw: string): IntervalId {
  const found = exchange.intervals.find((i) => i === raw);
  if (found) return found;
  const allowed = exchange.intervals.join(', ');
  throw new ExgateError('UNSUPPORTED_INTERVAL', `unsupported interval ${quote(raw)} for ${exchange.id}; allowed: ${allowed}`, {
    details: { fieldViolations: [{ field: 'interval', description: `allowed: ${allowed}` }] },
  });
}

/** Path parameters as fastify hands them over (all strings, already URL-decoded). */
export type PathParams = Readonly<Record<string, string | undefined>>;

export function target(deps: ApiDeps, params: PathParams): Target {
  const exchange = resolveExchange(deps, params['exchange'] ?? '');
  return { exchange, symbol: normaliseSymbol(exchange, params['symbol'] ?? '') };
}

export function seriesTarget(deps: ApiDeps, params: PathParams): SeriesTarget {
  const t = target(deps, params);
  return { ...t, interval: exchangeInterval(t.exchange, params['interval'] ?? '') };
}

/** zod → a 400 naming every bad parameter. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const violations = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || 'request',
    description: issue.message,
  }));
  throw invalidArgument(violations.map((v) => v.description).join('; '), violations);
}

export function checkOrder(startMs: number | undefined, endMs: number | undefined): void {
  if (startMs === undefined || endMs === undefined || startMs <= endMs) return;
  throw invalidArgument(`startTime (${startMs}) is after endTime (${endMs})`, [
    { field: 'startTime', description: 'must not be after endTime' },
  ]);
}

/**
 * The candle routes' `timeZone` (Binance's parameter): where days, weeks and months start. Without
 * it, where the exchange starts them (its candle policy: UTC+8 on OKX and HotBit).
 */
export function tzOffsetMs(exchange: ExchangeInfo, interval: IntervalId, timeZone: string | undefined): number {
  if (timeZone === undefined) return nativeTzOffsetMs(exchange, interval);
  const offsetMs = effectiveTzOffsetMs(interval, timeZone);
  if (offsetMs !== undefined) return offsetMs;
  throw invalidArgument(`invalid timeZone ${quote(timeZone)}: expected an offset like +08:00, -1:00 or 8, within -12:00..+14:00`, [
    { field: 'timeZone', description: 'an offset like +08:00 within -12:00..+14:00' },
  ]);
}

/** `{cron_interval}` in the domain's schedule grammar, the same one the scheduler fires on. */
export function scheduleParam(raw: string): Schedule {
  try {
    return parseSchedule(raw);
  } catch (e) {
    if (!(e instanceof InvalidScheduleError)) throw e;
    throw invalidArgument(`invalid cron_interval ${quote(raw)}: ${e.reason}`, [{ field: 'cron_interval', description: e.reason }]);
  }
}
