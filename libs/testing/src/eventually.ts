import { inspect } from 'node:util';

export interface EventuallyOptions {
  /** What is awaited, for the failure message: "timed out … waiting for <what>". */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `probe` until it returns (or resolves to) a truthy value and resolves with that value.
 * A probe that throws is tried again: a store or broker may not answer yet. After `timeoutMs`
 * it rejects naming `what` and the last value or error seen, so a slow test says what it lacked
 * rather than failing later on an assertion about a state it never reached.
 */
export async function eventually<T>(probe: () => T, options: EventuallyOptions): Promise<Truthy<Awaited<T>>> {
  const { what, timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: { value: unknown } | { error: unknown };
    try {
      const value = await probe();
      if (value) return value as Truthy<Awaited<T>>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = 'error' in last ? `threw ${describeError(last.error)}` : `returned ${inspect(last.value, { depth: 2 })}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the last probe ${seen}`, 'error' in last ? { cause: last.error } : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : inspect(error);
}
