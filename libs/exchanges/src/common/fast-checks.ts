/**
 * The zod checks the trade schemas use, written once by hand for the exchanges' fast paths
 * (docs/adr/0019-trade-path.md): a fast path reads a JSON.parse'd frame with these, accepts only
 * what the zod schema would accept, and otherwise answers null so the full mapper decides and
 * words the rejection. Each is at least as strict as its zod counterpart, never looser.
 */

/** A JSON object (z.object's input): not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** z.number().int(): zod 4 takes safe integers only. */
export function isInt(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/** z.number().int().nonnegative(): exchange times in ms, sequence numbers. */
export function isNonNegativeInt(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** `undefined` or of the type `is` checks: zod's `.optional()` (a JSON null is not absent). */
export function isOptional<T>(value: unknown, is: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || is(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

/** z.string().regex(/^\d{1,max}$/), by hand. */
export function isDigits(value: unknown, max: number): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
