import { z } from 'zod';
import { ExgateError } from '@exgate/errors';

/**
 * Parses the environment once, in main.ts, against a strict schema: a typo in a variable name or
 * a bad value stops the process with every problem listed, instead of a default silently winning.
 * `prefixes` names the variables the schema owns; unknown ones under those prefixes are rejected.
 */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  prefixes: readonly string[] = [],
): Readonly<z.infer<S>> {
  const known = new Set(Object.keys(schema.shape));
  const unknown = Object.keys(env).filter(
    (k) => prefixes.some((p) => k.startsWith(p)) && !known.has(k),
  );
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = schema.safeParse(picked);
  const problems = [
    ...unknown.map((k) => `${k}: unknown setting (typo?)`),
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
  ];
  if (problems.length > 0 || !result.success) {
    throw new ExgateError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  }
  return Object.freeze(result.data as z.infer<S>);
}

/** Environment values are strings; these read them the way operators write them. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== '')),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: pretty lines on a terminal, JSON otherwise (see createLogger). */
  logFormat: () => z.enum(['auto', 'pretty', 'json']).default('auto'),
} as const;
