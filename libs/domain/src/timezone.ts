import { DomainError } from './errors';

const MINUTE_MS = 60_000;
/** Binance's accepted range for `timeZone`: strictly [-12:00, +14:00]. */
export const MIN_TZ_OFFSET_MS = -12 * 60 * MINUTE_MS;
export const MAX_TZ_OFFSET_MS = 14 * 60 * MINUTE_MS;

const TIME_ZONE = /^([+-])?(\d{1,2})(?::(\d{2}))?$/;

/**
 * Parses a UTC offset the way Binance's `timeZone` parameter accepts it — hours and minutes
 * (`-1:00`, `05:45`, `+08:00`) or only hours (`0`, `8`, `-3`) — plus `Z`/`UTC` for zero. Returns the
 * offset in ms (east of UTC is positive). Throws DomainError('INVALID_TIME_ZONE') otherwise.
 */
export function parseTimeZone(value: string): number {
  const text = value.trim();
  if (text === '' ) throw invalid(value, 'it is empty');
  if (text === 'Z' || text.toUpperCase() === 'UTC') return 0;
  const match = TIME_ZONE.exec(text);
  if (!match) throw invalid(value, 'expected [+|-]H, [+|-]HH:MM');
  const hours = Number.parseInt(match[2] ?? '0', 10);
  const minutes = match[3] === undefined ? 0 : Number.parseInt(match[3], 10);
  if (minutes >= 60) throw invalid(value, 'minutes must be below 60');
  const sign = match[1] === '-' ? -1 : 1;
  const offsetMs = sign * (hours * 60 + minutes) * MINUTE_MS;
  if (offsetMs < MIN_TZ_OFFSET_MS || offsetMs > MAX_TZ_OFFSET_MS) {
    throw invalid(value, 'it must lie in [-12:00, +14:00]');
  }
  return offsetMs === 0 ? 0 : offsetMs;
}

/** `28_800_000` → `+08:00`, `0` → `+00:00`, `-3_600_000` → `-01:00`. */
export function formatTimeZone(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalMinutes = Math.abs(Math.trunc(offsetMs / MINUTE_MS));
  const hh = String(Math.floor(totalMinutes / 60)).padStart(2, '0');
  const mm = String(totalMinutes % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

function invalid(value: string, why: string): DomainError {
  return new DomainError('INVALID_TIME_ZONE', `invalid time zone ${JSON.stringify(value)}: ${why}`);
}
