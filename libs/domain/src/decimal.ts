import { DomainError } from './errors';

/**
 * Exact fixed-point decimals for the candle hot path (see docs/adr/0005-candle-engine.md).
 *
 * A value is an integer mantissa `m` and a scale `s` (value = m / 10^s). Mantissas are JS numbers
 * while they are safe integers — every +, × and comparison on them is then exact — and BigInt past
 * that. Parsing trims trailing zeros ("28165.47000000" → 2816547 / 10^2) so spot's 8-decimal strings
 * do not waste the 53 bits, and remembers the wire scale (8) for formatting back.
 */

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Exact powers of ten as doubles (10^22 is the last exact one). */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** m·10 + 9 stays safe while m ≤ this. */
const SAFE_TIMES_TEN = Math.floor((MAX_SAFE - 9) / 10);

/**
 * Output registers of scanDecimal, module-level so the hot path allocates nothing. `m` is NaN when
 * the mantissa needed BigInt (then `big` holds it).
 */
export const scanned = { m: 0, s: 0, wireScale: 0, big: null as bigint | null };

/** Reads an unsigned decimal string ("63943.90", "0.003", "5") into `scanned`. False if malformed. */
export function scanDecimal(text: string): boolean {
  const n = text.length;
  let m = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0 || i === 0) return false;
      dot = i;
      continue;
    }
    const digit = c - 48;
    if (digit < 0 || digit > 9) return false;
    if (m > SAFE_TIMES_TEN) return scanBig(text, dot);
    m = m * 10 + digit;
  }
  if (n === 0 || dot === n - 1) return false;
  let s = dot < 0 ? 0 : n - dot - 1;
  scanned.wireScale = s;
  while (s > 0 && m % 10 === 0) {
    m /= 10;
    s--;
  }
  scanned.m = m;
  scanned.s = s;
  scanned.big = null;
  return true;
}

function scanBig(text: string, dotSoFar: number): boolean {
  const dot = dotSoFar >= 0 ? dotSoFar : text.indexOf('.');
  if (dot === 0 || dot === text.length - 1 || text.indexOf('.', dot + 1) >= 0) return false;
  const digits = dot < 0 ? text : text.slice(0, dot) + text.slice(dot + 1);
  if (!/^\d+$/.test(digits)) return false;
  let m = BigInt(digits);
  let s = dot < 0 ? 0 : text.length - dot - 1;
  scanned.wireScale = s;
  while (s > 0 && m % 10n === 0n) {
    m /= 10n;
    s--;
  }
  if (m <= BigInt(MAX_SAFE)) {
    scanned.m = Number(m);
    scanned.big = null;
  } else {
    scanned.m = Number.NaN;
    scanned.big = m;
  }
  scanned.s = s;
  return true;
}

/** Parses or throws DomainError('INVALID_DECIMAL'); for cold paths. Returns [mantissa, scale]. */
export function parseDecimal(text: string): { m: bigint; s: number; wireScale: number } {
  if (!scanDecimal(text)) throw badDecimal(text);
  return { m: scanned.big ?? BigInt(scanned.m), s: scanned.s, wireScale: scanned.wireScale };
}

export function badDecimal(text: string): DomainError {
  return new DomainError('INVALID_DECIMAL', `not an unsigned decimal: ${JSON.stringify(text)}`);
}

const ZEROS = '0'.repeat(64);

/**
 * Decimal digits of a non-negative integer. V8 prints doubles past 2^31 through its general
 * float printer (slow); two halves below 10^8 go through its small-integer path instead.
 */
export function integerDigits(m: number | bigint): string {
  if (typeof m !== 'number') return m.toString();
  if (m < 1e8) return '' + m;
  const hi = Math.floor(m / 1e8);
  const lo = '' + (m - hi * 1e8);
  return '' + hi + ZEROS.slice(0, 8 - lo.length) + lo;
}

/**
 * m / 10^s as a string with at least `minScale` decimals: trailing zeros beyond minScale are
 * trimmed, never significant digits (the value stays exact).
 */
export function formatScaled(m: number | bigint, s: number, minScale: number): string {
  if (typeof m === 'number' && s > 0 && s <= 9) return formatSmallScale(m, s, minScale);
  let digits = integerDigits(m);
  if (s === 0) return minScale > 0 ? digits + '.' + zeros(minScale) : digits;
  if (digits.length <= s) digits = zeros(s - digits.length + 1) + digits;
  const intEnd = digits.length - s;
  let end = digits.length;
  const minEnd = intEnd + minScale;
  while (end > minEnd && digits.charCodeAt(end - 1) === 48) end--;
  if (end === intEnd) return minScale > s ? digits + zeros(minScale - s) : digits.slice(0, intEnd);
  const text = digits.slice(0, intEnd) + '.' + digits.slice(intEnd, end);
  return minScale > s ? text + zeros(minScale - s) : text;
}

/** formatScaled for a safe mantissa and scale ≤ 9: integer and fraction apart, few temporaries. */
function formatSmallScale(m: number, s: number, minScale: number): string {
  const p = POW10[s]!;
  let q = Math.floor(m / p);
  let r = m - q * p; // exact: q·p ≤ m < 2^53
  if (r < 0) {
    q--;
    r += p;
  } else if (r >= p) {
    q++;
    r -= p;
  }
  let scale = s;
  while (scale > minScale && r % 10 === 0) {
    r /= 10;
    scale--;
  }
  const intText = q < 1e8 ? '' + q : integerDigits(q);
  const padding = minScale > s ? zeros(minScale - s) : '';
  if (scale === 0) return padding === '' ? intText : intText + '.' + padding;
  const fracText = '' + r;
  return intText + '.' + zeros(scale - fracText.length) + fracText + padding;
}

function zeros(n: number): string {
  return n <= 64 ? ZEROS.slice(0, n) : '0'.repeat(n);
}

/** Sign of a − b for two scanned values given as (number mantissa | NaN, scale, big). */
export function compareScaled(
  am: number, as: number, abig: bigint | null,
  bm: number, bs: number, bbig: bigint | null,
): number {
  if (abig === null && bbig === null) {
    if (as === bs) return am === bm ? 0 : am < bm ? -1 : 1;
    if (as < bs) {
      const a = am * POW10[bs - as]!;
      if (a <= MAX_SAFE) return a === bm ? 0 : a < bm ? -1 : 1;
    } else {
      const b = bm * POW10[as - bs]!;
      if (b <= MAX_SAFE) return am === b ? 0 : am < b ? -1 : 1;
    }
  }
  const a = (abig ?? BigInt(am)) * 10n ** BigInt(Math.max(as, bs) - as);
  const b = (bbig ?? BigInt(bm)) * 10n ** BigInt(Math.max(as, bs) - bs);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Compares two decimal strings exactly (cold path). */
export function compareDecimalStrings(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const s = Math.max(x.s, y.s);
  const xa = x.m * 10n ** BigInt(s - x.s);
  const yb = y.m * 10n ** BigInt(s - y.s);
  return xa === yb ? 0 : xa < yb ? -1 : 1;
}
