import type { Trade } from '@exgate/domain';
import { isPositiveDecimalText } from '../common/decimal';
import { isRecord, isString } from '../common/fast-checks';
import { isPlausibleMs } from '../common/frame';
import { SYMBOL_PATTERN } from './constants';
import { dealTrade } from './trade';

/**
 * The fast path of HotBit's mapper (docs/adr/0019-trade-path.md): a JSON.parse'd `deals.update`
 * push read with plain checks, no zod, no copy of the deals, and each deal's time read from its
 * JSON text in place (time.ts says why the float is not used). It only ever accepts: a push that
 * every check of the full mapper passes becomes the same trades, oldest first; anything else is
 * null, and the full mapper (zod) decides and words the rejection. fast-frame.property.spec.ts
 * holds the two equal.
 */
export function fastDeals(value: unknown, raw: string, receivedAtMs: number): Trade[] | null {
  if (!isRecord(value) || value.method !== 'deals.update' || value.id !== null) return null;
  const params = value.params;
  if (!Array.isArray(params) || params.length !== 2) return null;
  const [market, deals] = params as unknown[];
  if (!isString(market) || !SYMBOL_PATTERN.test(market) || !Array.isArray(deals) || deals.length === 0) return null;
  const trades: Trade[] = [];
  // The k-th `"time":` member of the text is the k-th deal's, if every one is a member (after `{`
  // or `,`, before `:`) and there are exactly as many as deals: the full mapper's timeTexts
  // then finds the same texts. Anything else (whitespace, a string "time", another member
  // named time) goes to the full mapper.
  let at = 0;
  for (let k = 0; ; k++) {
    const found = raw.indexOf('"time"', at);
    if (found < 0) {
      if (k !== deals.length) return null;
      break;
    }
    const before = raw.charCodeAt(found - 1);
    if ((before !== 123 && before !== 44) || raw.charCodeAt(found + 6) !== 58 || k >= deals.length) return null;
    at = found + 7;
    const ms = msFromSecondsAt(raw, at);
    const d: unknown = deals[k];
    if (ms < 0 || !isRecord(d) || typeof d.time !== 'number' || !isPlausibleMs(ms, receivedAtMs)) return null;
    const { id, price, amount, type } = d;
    // Ids strictly descending (newest first), each a positive safe integer.
    if (!Number.isSafeInteger(id) || (id as number) < 1 || (k > 0 && (deals[k - 1] as { id: number }).id <= (id as number))) return null;
    if (!isString(price) || !isString(amount) || (type !== 'buy' && type !== 'sell') || !isPositiveDecimalText(price) || !isPositiveDecimalText(amount)) return null;
    trades.push(dealTrade(market, { id: id as number, price, amount, type }, ms, receivedAtMs));
  }
  // Oldest first, as tradesFromDeals gives them.
  return trades.reverse();
}

/**
 * msFromSecondsText (time.ts) of the number text at `from`, read in place: -1 unless it is
 * /^\d{1,10}(\.\d{1,24})?$/ up to the next `,` or `}` (timeTexts' text, without sign or exponent).
 */
function msFromSecondsAt(raw: string, from: number): number {
  let i = from;
  let seconds = 0;
  for (let c = raw.charCodeAt(i); c >= 48 && c <= 57; c = raw.charCodeAt(++i)) seconds = seconds * 10 + (c - 48);
  if (i === from || i - from > 10) return -1;
  let micros = 0;
  if (raw.charCodeAt(i) === 46) {
    const start = ++i;
    let seventh = 0;
    for (let c = raw.charCodeAt(i); c >= 48 && c <= 57; c = raw.charCodeAt(++i)) {
      const place = i - start;
      if (place < 6) micros = micros * 10 + (c - 48);
      else if (place === 6) seventh = c - 48;
    }
    const digits = i - start;
    if (digits === 0 || digits > 24) return -1;
    for (let place = digits; place < 6; place++) micros *= 10;
    // Half-up to the µs, as microsFromSecondsText: the digits past the sixth are the double's noise.
    if (seventh >= 5) micros++;
    if (micros === 1_000_000) {
      seconds += 1;
      micros = 0;
    }
  }
  const next = raw.charCodeAt(i);
  if (next !== 44 && next !== 125) return -1;
  return Math.floor((seconds * 1_000_000 + micros) / 1000);
}
