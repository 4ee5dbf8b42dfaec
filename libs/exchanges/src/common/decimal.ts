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
