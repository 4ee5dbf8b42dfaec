import { MAX_TIME_MS } from '../../schemas';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO-8601 date-time as UTC ms, or undefined. A time without a zone is UTC (never the server's
 * local time). Fields are checked, not normalised: 2024-02-30 is refused, not read as March 1.
 */
export function parseIsoMs(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const dayMs = Date.UTC(year, month - 1, day);
  if (new Date(dayMs).getUTCDate() !== day) return undefined;
  let offsetMs = 0;
  if (zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [zh, zm] = [Number(z[2]), Number(z[3])];
    if (zh > 14 || zm > 59) return undefined;
    offsetMs = (z[1] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  const ms = dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor(Number(`0.${fraction || '0'}`) * 1000) - offsetMs;
  return ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined;
}

/** `2024-04-23T00:00:00Z`: whole seconds as INTX writes them, milliseconds only when there are some. */
export function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
