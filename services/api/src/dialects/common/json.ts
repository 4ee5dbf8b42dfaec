import { ExgateError } from '@exgate/errors';

/**
 * A decimal that goes into JSON as a number whose text is exactly the decimal (seed 003 wants
 * numbers, and `JSON.stringify` would pass them through a float: 0.1 + 0.2 style rounding, and
 * "96500.50" → 96500.5 is harmless but "12345678901234567.89" is not).
 */
export class JsonDecimal {
  private constructor(readonly text: string) {}

  static of(decimal: string): JsonDecimal {
    if (!JSON_NUMBER.test(decimal)) throw new ExgateError('INTERNAL', `not a plain decimal for JSON: ${JSON.stringify(decimal.slice(0, 40))}`);
    return new JsonDecimal(decimal);
  }
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** JSON text of plain data, with JsonDecimal written verbatim. No cycles, no toJSON, no undefined in arrays. */
export function writeJson(value: unknown): string {
  if (value instanceof JsonDecimal) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v)}`);
  return `{${fields.join(',')}}`;
}
