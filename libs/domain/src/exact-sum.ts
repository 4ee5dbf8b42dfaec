import * as decimal from './decimal';

// esbuild (tsx) compiles imports into getter calls; the hot path reads module-local bindings.
const { formatScaled, MAX_SAFE, POW10 } = decimal;

/**
 * An exact running sum of non-negative decimals: value = (big + m) / 10^s. Additions go into the
 * JS-number part `m` while it stays a safe integer (one float add and one compare); when it would
 * pass 2^53 it is moved into the BigInt part `big` and starts again from the addend, so BigInt
 * arithmetic happens once per ~2^53 of sum, not per addition. The scale only grows: adding a
 * finer value rescales the sum once, adding a coarser one scales the addend.
 */
export class ExactSum {
  m = 0;
  s = 0;
  big: bigint | null = null;

  reset(): void {
    this.m = 0;
    this.s = 0;
    this.big = null;
  }

  copyFrom(other: ExactSum): void {
    this.m = other.m;
    this.s = other.s;
    this.big = other.big;
  }

  /** Same number part, no BigInt part, same scale: the same string. (False is always safe.) */
  sameAs(other: ExactSum): boolean {
    return this.big === null && other.big === null && this.m === other.m && this.s === other.s;
  }

  /** Adds m / 10^s; m must be a safe non-negative integer. */
  add(m: number, s: number): void {
    if (s > this.s) this.rescale(s);
    const v = s === this.s ? m : m * POW10[this.s - s]!;
    if (!(v <= MAX_SAFE)) {
      this.addBig(BigInt(m), s);
      return;
    }
    const r = this.m + v;
    if (r <= MAX_SAFE) {
      this.m = r;
    } else {
      this.big = (this.big ?? 0n) + BigInt(this.m);
      this.m = v;
    }
  }

  addBig(m: bigint, s: number): void {
    if (s > this.s) this.rescale(s);
    this.big = (this.big ?? 0n) + (s < this.s ? m * 10n ** BigInt(this.s - s) : m);
  }

  addSum(other: ExactSum): void {
    this.add(other.m, other.s);
    if (other.big !== null) this.addBig(other.big, other.s);
  }

  /** The exact value with at least `minScale` decimals. */
  format(minScale: number): string {
    return formatScaled(this.big === null ? this.m : this.big + BigInt(this.m), this.s, minScale);
  }

  private rescale(s: number): void {
    const k = s - this.s;
    const scaled = this.m * POW10[k]!;
    if (this.big !== null) this.big *= 10n ** BigInt(k);
    if (scaled <= MAX_SAFE) {
      this.m = scaled;
    } else {
      this.big = (this.big ?? 0n) + BigInt(this.m) * 10n ** BigInt(k);
      this.m = 0;
    }
    this.s = s;
  }
}
