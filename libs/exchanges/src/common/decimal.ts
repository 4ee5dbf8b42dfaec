/**
 * Checks on exchange decimal strings without ever turning them into floats. Exchanges send plain
 * decimals ("63943.90"); exponent notation, signs, NaN or padding mean the frame is not what we
 * think it is, and we would rather reject it than store a number we misread.
 */
const PLAIN_DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
/** Longer than any real price or quantity: guards against pathological input, not real data. */
const MAX_DECIMAL_CHARS = 40;

export function isPlainDecimal(value: string): boolean {
  return value.length <= MAX_DECIMAL_CHARS && PLAIN_DECIMAL.test(value);
}

/** True for a plain decimal with at least one non-zero digit ("0.000" is not positive). */
export function isPositiveDecimal(value: string): boolean {
  return isPlainDecimal(value) && /[1-9]/.test(value);
}

/** Digits after the point ("63943.90" → 2). */
export function scaleOf(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

// ---- the same checks by hand, for the fast paths (no regex, no substring: nothing per frame) ----

export const NOT_PLAIN_DECIMAL = 0;
export const ZERO_DECIMAL = 1;
export const POSITIVE_DECIMAL = 2;

/**
 * What isPlainDecimal and isPositiveDecimal say of `text.slice(from, to)`, read in place:
 * NOT_PLAIN_DECIMAL, ZERO_DECIMAL (plain, no non-zero digit) or POSITIVE_DECIMAL.
 * decimal.spec.ts holds it equal to the regexes.
 */
export function decimalAt(text: string, from: number, to: number): number {
  if (to - from > MAX_DECIMAL_CHARS || to === from) return NOT_PLAIN_DECIMAL;
  let i = from;
  let positive = false;
  if (text.charCodeAt(i) === 48) {
    i++;
  } else {
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === from) return NOT_PLAIN_DECIMAL;
    positive = true;
  }
  if (i < to) {
    if (text.charCodeAt(i) !== 46 || i + 1 === to) return NOT_PLAIN_DECIMAL;
    for (i++; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return NOT_PLAIN_DECIMAL;
      if (c !== 48) positive = true;
    }
  }
  return positive ? POSITIVE_DECIMAL : ZERO_DECIMAL;
}

/** isPositiveDecimal(value), by hand. */
export function isPositiveDecimalText(value: string): boolean {
  return decimalAt(value, 0, value.length) === POSITIVE_DECIMAL;
}
