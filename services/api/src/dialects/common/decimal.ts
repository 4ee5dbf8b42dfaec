import { formatScaled, parseDecimal } from '@exgate/domain';

/** Exact decimal arithmetic for the dialects' derived fields (quote quantities, window sums). */

/** a × b exactly, in its shortest spelling. */
export function multiply(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return formatScaled(x.m * y.m, x.s + y.s, 0);
}

/** Σ values exactly, in its shortest spelling ("0" for none). */
export function sum(values: readonly string[]): string {
  let scale = 0;
  let total = 0n;
  for (const v of values) {
    const d = parseDecimal(v);
    if (d.s > scale) {
      total *= 10n ** BigInt(d.s - scale);
      scale = d.s;
    }
    total += d.m * 10n ** BigInt(scale - d.s);
  }
  return formatScaled(total, scale, 0);
}
