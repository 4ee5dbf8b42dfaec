import type { TurnBudget } from '@exgate/runtime';
import { ByteWriter } from './byte-writer';

/**
 * Rows that all carry `columns` in that order → JSONCompactEachRow bytes, the same bytes as
 * `JSON.stringify(values)` a line. Values are written straight into one buffer: what rows hold
 * (printable ASCII text, integers, booleans, null) byte by byte, anything else through
 * JSON.stringify. A line built by JSON.stringify and then copied into the buffer cost 1.8–2.5 µs a
 * trade row; this 0.4–0.5 µs (ADR 0019, eighth pass). Undefined when a row has other keys, another
 * order or an undefined value: the caller sends those as JSONEachRow.
 */
export async function compactRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  columns: readonly string[],
  budget: TurnBudget,
): Promise<Buffer | undefined> {
  const out = new JsonWriter(256);
  for (let r = 0; r < rows.length; r++) {
    if (r % 64 === 0) await budget.pass();
    const row = rows[r]!;
    out.byte(0x5b); // [
    let n = 0;
    for (const key in row) {
      const value = row[key];
      if (key !== columns[n] || value === undefined) return undefined;
      if (n++ > 0) out.byte(0x2c); // ,
      out.value(value);
    }
    if (n !== columns.length) return undefined;
    out.byte(0x5d); // ]
    out.byte(0x0a); // \n
    // Room for every row the size of the first, and a little: one allocation rather than a copy
    // at every doubling.
    if (r === 0) out.room(Math.ceil(out.length * rows.length * 1.1));
  }
  return out.bytes();
}

/** Lines (JSONEachRow's, from JSON.stringify), each with a newline, as UTF-8 in one buffer. */
export function utf8Lines(lines: readonly string[]): Buffer {
  let units = 0;
  for (const line of lines) units += line.length + 1;
  // Sized for ASCII, which is what rows hold; doubled when a line's worst case (3 bytes a unit)
  // might not fit.
  const out = new ByteWriter(units);
  for (const line of lines) {
    out.utf8(line);
    out.byte(0x0a);
  }
  return out.bytes();
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Integers go out as two halves below 10^8, each in small-integer arithmetic. */
const E8 = 100_000_000;

/** "00" … "99" as ASCII, two bytes each. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

function digitCount(v: number): number {
  if (v < 10_000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1_000 ? 3 : 4;
  return v < 1_000_000 ? (v < 100_000 ? 5 : 6) : v < 10_000_000 ? 7 : 8;
}

/** JSON values, as JSON.stringify writes them in an array. */
class JsonWriter extends ByteWriter {
  value(v: unknown): void {
    if (typeof v === 'string') this.text(v);
    else if (typeof v === 'number' && Number.isSafeInteger(v)) this.integer(v);
    else if (v === true) this.ascii('true');
    else if (v === false) this.ascii('false');
    else if (v === null) this.ascii('null');
    // Fractions, exponents, non-finite numbers (null), objects: as JSON.stringify writes them in
    // an array, where what it cannot write (a function) is null.
    else this.utf8(JSON.stringify(v) ?? 'null');
  }

  /** Printable ASCII without quote or backslash is written as it is; other text as JSON escapes it. */
  private text(s: string): void {
    this.room(s.length + 2);
    const buf = this.buf;
    const start = this.at;
    let at = start;
    buf[at++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        this.utf8(JSON.stringify(s));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = QUOTE;
    this.at = at;
  }

  /** A safe integer's digits, in two halves that each fit small-integer arithmetic. */
  private integer(v: number): void {
    this.room(17);
    if (v < 0) {
      this.buf[this.at++] = 0x2d; // -
      v = -v;
    }
    if (v < E8) {
      this.digits(v, 0);
      return;
    }
    // Exact: the quotient is below 2^27, where doubles lie at most 2^-26 apart, and is at least
    // 10^-8 short of the next integer, more than half that spacing: it never rounds up to it.
    const high = Math.floor(v / E8);
    const low = v - high * E8;
    this.digits(high, 0);
    this.digits(low, 8);
  }

  /** `v` (below 10^8) in decimal, left-padded with zeros to `width`: two digits a step. */
  private digits(v: number, width: number): void {
    const n = Math.max(width, digitCount(v));
    const buf = this.buf;
    let i = this.at + n;
    this.at = i;
    while (v >= 10) {
      const q = (v / 100) | 0;
      const pair = (v - q * 100) * 2;
      buf[--i] = PAIRS[pair + 1]!;
      buf[--i] = PAIRS[pair]!;
      v = q;
    }
    const start = this.at - n;
    if (i > start) buf[--i] = 0x30 + v;
    while (i > start) buf[--i] = 0x30;
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }
}
