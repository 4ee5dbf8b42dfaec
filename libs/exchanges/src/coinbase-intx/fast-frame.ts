import type { Trade } from '@exgate/domain';
import { isPositiveDecimalText } from '../common/decimal';
import { isDigits, isNonNegativeInt, isRecord, isString } from '../common/fast-checks';
import { isPlausibleMs } from '../common/frame';
import { MATCH_CHANNEL, SYMBOL_PATTERN } from './constants';
import type { MatchMessage } from './schemas';
import { toTrade } from './trade';

/**
 * The fast path of INTX's mapper (docs/adr/0019-trade-path.md): a JSON.parse'd MATCH message read
 * with plain checks, no zod, no copy. It only ever accepts: a message that every check of the full
 * mapper passes becomes the same trade; anything else is null, and the full mapper (zod) decides
 * and words the rejection. fast-frame.property.spec.ts holds the two equal.
 */
export function fastMatch(value: unknown, receivedAtMs: number): Trade | null {
  if (!isRecord(value) || value.channel !== MATCH_CHANNEL) return null;
  const { type, product_id: product, time, trade_price: price, trade_qty: qty, aggressor_side: side } = value;
  if (!isString(type) || type === 'REJECT' || !isNonNegativeInt(value.sequence) || !isDigits(value.match_id, 30)) return null;
  if (!isString(product) || product.length === 0 || product.length > 64 || !SYMBOL_PATTERN.test(product)) return null;
  if (side !== 'BUY' && side !== 'SELL' && side !== 'OPENING_FILL') return null;
  if (!isString(price) || !isString(qty) || !isPositiveDecimalText(price) || !isPositiveDecimalText(qty) || !isString(time)) return null;
  const ms = isoMsAt(time);
  if (ms < 0 || !isPlausibleMs(ms, receivedAtMs)) return null;
  return toTrade(value as unknown as MatchMessage, ms, receivedAtMs);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * isoMs (mapper.ts) by hand: `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` → epoch ms, fraction cut to ms; -1
 * for anything else, and for whatever Date.parse might read its own way (a year before 1970, a
 * day past its month's end, a leap second): the full mapper decides those.
 */
export function isoMsAt(text: string): number {
  const length = text.length;
  if (length < 20 || length > 30 || text.charCodeAt(length - 1) !== 90 /* Z */) return -1;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return -1;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return -1;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  if (month === 2 && day === 29 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0))) return -1;
  let ms = 0;
  if (length > 20) {
    // `.` and 1 to 9 digits before the Z.
    if (text.charCodeAt(19) !== 46 || length === 21) return -1;
    for (let i = 20; i < length - 1; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
      if (i < 23) ms += (c - 48) * (i === 20 ? 100 : i === 21 ? 10 : 1);
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The number written by `count` digits at `from`, or -1. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}
