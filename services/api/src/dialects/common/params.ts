/**
 * Query strings as fastify hands them over: a value per key, or an array when the key repeats.
 * The dialects read single values and report repeats in their own words.
 */
export interface QueryValues {
  readonly values: Readonly<Record<string, string>>;
  /** Keys given more than once. */
  readonly repeated: readonly string[];
}

export function queryValues(query: unknown): QueryValues {
  const values: Record<string, string> = {};
  const repeated: string[] = [];
  if (query !== null && typeof query === 'object') {
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      if (Array.isArray(value)) repeated.push(key);
      else if (typeof value === 'string') values[key] = value;
    }
  }
  return { values, repeated };
}

/** Digits only (no sign, exponent, fraction or spaces), at most `maxDigits`: a safe integer or undefined. */
export function plainInteger(text: string, maxDigits = 15): number | undefined {
  if (text.length === 0 || text.length > maxDigits || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
