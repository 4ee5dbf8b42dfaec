import type { TurnBudget } from '@exgate/runtime';
import type { RowSource } from '../ports';
import { ByteWriter } from './byte-writer';

/**
 * Rows → the engine's RowBinary format, for the column types the store's tables use. The engine
 * reads these bytes in about half the time it parses the same rows as JSON (ADR 0019, ninth pass):
 * no text to scan, decimals already scaled integers.
 *
 * A codec writes only a value whose meaning it knows to be the one the JSON path gives it; for
 * anything else it answers false and the whole insert goes as JSON, where the engine accepts or
 * refuses it as it always did. So this path can make an insert faster, never different.
 */
export interface RowBinaryPayload {
  /** The rows' columns, in the order written. */
  readonly columns: readonly string[];
  /** `name Type, …` as the engine's `file()` and `format()` take it. */
  readonly structure: string;
  readonly body: Buffer;
}

/** Writes one value; false when it is not a value this codec writes exactly. */
type Codec = (out: RowBinaryWriter, value: unknown) => boolean;

/**
 * Rows that all carry the same columns in the same order, every column's type one of those below
 * (`layout`: column → the engine's type name) → RowBinary. Undefined otherwise: the caller sends
 * JSON. Written across turns of the event loop, as the JSON payload is.
 */
export async function rowBinary(
  rows: readonly Readonly<Record<string, unknown>>[],
  layout: ReadonlyMap<string, string>,
  budget: TurnBudget,
): Promise<RowBinaryPayload | undefined> {
  const columns = Object.keys(rows[0] ?? {});
  const codecs = codecsOf(columns, layout);
  if (!codecs) return undefined;
  const out = new RowBinaryWriter(256);
  for (let r = 0; r < rows.length; r++) {
    if (r % 64 === 0) await budget.pass();
    const row = rows[r]!;
    let n = 0;
    for (const key in row) {
      if (key !== columns[n] || !codecs[n]!(out, row[key])) return undefined;
      n++;
    }
    if (n !== columns.length) return undefined;
    if (r === 0) out.room(Math.ceil(out.length * rows.length * 1.1));
  }
  return payload(columns, layout, out);
}

/**
 * Items → RowBinary through their `RowSource`: the same values its `row` holds,
 * written as `rowBinary` writes that row, without the row object (a print's object and its
 * collection were a third of its insert's JavaScript, ADR 0019). Throws what `values` throws;
 * undefined where `rowBinary` would answer undefined, for the caller's JSON path.
 */
export async function rowBinaryOf<T>(
  items: readonly T[],
  source: RowSource<T>,
  layout: ReadonlyMap<string, string>,
  budget: TurnBudget,
): Promise<RowBinaryPayload | undefined> {
  const { columns } = source;
  const codecs = codecsOf(columns, layout);
  if (!codecs) return undefined;
  const out = new RowBinaryWriter(256);
  const values: unknown[] = [];
  for (let r = 0; r < items.length; r++) {
    if (r % 64 === 0) await budget.pass();
    source.values(items[r]!, values);
    for (let n = 0; n < codecs.length; n++) if (!codecs[n]!(out, values[n])) return undefined;
    if (r === 0) out.room(Math.ceil(out.length * items.length * 1.1));
  }
  return payload(columns, layout, out);
}

/** Each column's codec, in order; undefined when a column's type is not one written here. */
function codecsOf(columns: readonly string[], layout: ReadonlyMap<string, string>): Codec[] | undefined {
  const codecs: Codec[] = [];
  for (const column of columns) {
    const type = layout.get(column);
    const codec = type === undefined || column.includes('`') ? undefined : codecOf(type);
    if (!codec) return undefined;
    codecs.push(codec);
  }
  return codecs;
}

function payload(columns: readonly string[], layout: ReadonlyMap<string, string>, out: RowBinaryWriter): RowBinaryPayload {
  const structure = columns.map((c) => `\`${c}\` ${layout.get(c)}`).join(', ');
  return { columns, structure, body: out.bytes() };
}

const codecs = new Map<string, Codec | undefined>();

/** The codec of one of the engine's type names, or undefined for a type not written here. */
export function codecOf(type: string): Codec | undefined {
  if (!codecs.has(type)) codecs.set(type, parseType(type.trim()));
  return codecs.get(type);
}

const INTEGERS: Readonly<Record<string, readonly [min: number, max: number, write: (out: RowBinaryWriter, v: number) => void]>> = {
  UInt8: [0, 0xff, (out, v) => out.byte(v)],
  UInt16: [0, 0xffff, (out, v) => out.fixed(2).writeUInt16LE(v, out.length - 2)],
  UInt32: [0, 0xffff_ffff, (out, v) => out.fixed(4).writeUInt32LE(v, out.length - 4)],
  UInt64: [0, Number.MAX_SAFE_INTEGER, (out, v) => out.int64(v)],
  Int8: [-0x80, 0x7f, (out, v) => out.byte(v & 0xff)],
  Int16: [-0x8000, 0x7fff, (out, v) => out.fixed(2).writeInt16LE(v, out.length - 2)],
  Int32: [-0x8000_0000, 0x7fff_ffff, (out, v) => out.fixed(4).writeInt32LE(v, out.length - 4)],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (out, v) => out.int64(v)],
};

function parseType(type: string): Codec | undefined {
  const wrapped = /^(LowCardinality|Nullable)\((.*)\)$/.exec(type);
  if (wrapped) {
    const inner = parseType(wrapped[2]!.trim());
    if (!inner || wrapped[1] === 'LowCardinality') return inner; // LowCardinality changes storage, not the row format.
    return (out, v) => {
      if (v === null) {
        out.byte(1);
        return true;
      }
      out.byte(0);
      return inner(out, v);
    };
  }
  if (type === 'String') return (out, v) => typeof v === 'string' && out.string(v);
  if (type === 'Bool') {
    return (out, v) => {
      if (typeof v !== 'boolean') return false;
      out.byte(v ? 1 : 0);
      return true;
    };
  }
  const integer = INTEGERS[type];
  if (integer) {
    const [min, max, write] = integer;
    return (out, v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return false;
      write(out, v);
      return true;
    };
  }
  // Integer milliseconds, as the JSON path reads them for a scale of 3; before 1970 left to it.
  if (/^DateTime64\(3(, *'[^'\\]*')?\)$/.test(type)) {
    return (out, v) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return false;
      out.int64(v);
      return true;
    };
  }
  const decimal = /^Decimal\((\d+), *(\d+)\)$/.exec(type);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > 76 || scale > precision) return undefined;
    const bytes = precision <= 9 ? 4 : precision <= 18 ? 8 : precision <= 38 ? 16 : 32;
    return (out, v) => typeof v === 'string' && out.decimal(v, precision, scale, bytes);
  }
  const enumType = /^Enum(8|16)\((.*)\)$/.exec(type);
  if (enumType) return enumCodec(enumType[2]!, enumType[1] === '8' ? 1 : 2);
  return undefined;
}

/** `'name' = value, …`; names with escapes are left to the JSON path. */
function enumCodec(members: string, bytes: 1 | 2): Codec | undefined {
  const values = new Map<string, number>();
  const member = /^\s*'([^'\\]*)'\s*=\s*(-?\d+)\s*(,|$)/;
  for (let rest = members; rest.trim() !== ''; ) {
    const m = member.exec(rest);
    if (!m) return undefined;
    values.set(m[1]!, Number(m[2]));
    rest = rest.slice(m[0].length);
  }
  return (out, v) => {
    const value = typeof v === 'string' ? values.get(v) : undefined;
    if (value === undefined) return false;
    if (bytes === 1) out.byte(value & 0xff);
    else out.fixed(2).writeInt16LE(value, out.length - 2);
    return true;
  };
}

const TWO_32 = 0x1_0000_0000;
/** With the u flag a surrogate pair is one code point: only a lone half matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const TWO_24 = 0x100_0000;
const E8 = 100_000_000;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, E8];
/** 10^0 … 10^76 in 24-bit limbs, least significant first. */
const POW10_LIMBS: readonly (readonly number[])[] = Array.from({ length: 77 }, (_, e) => {
  const limbs: number[] = [];
  for (let v = 10n ** BigInt(e); v > 0n; v >>= 24n) limbs.push(Number(v & 0xff_ffffn));
  return limbs;
});

class RowBinaryWriter extends ByteWriter {
  /** A decimal's magnitude in 24-bit limbs (three bytes each), least significant first: 11 hold 256 bits, 3 more take a product's spill. */
  private readonly limbs = new Float64Array(14);
  private used = 0;

  /** Room for `bytes` more, counted as written; returns the buffer to write them into. */
  fixed(bytes: number): Buffer {
    this.room(bytes);
    this.at += bytes;
    return this.buf;
  }

  /** A safe integer as a little-endian two's-complement 64-bit integer. */
  int64(v: number): void {
    const high = Math.floor(v / TWO_32);
    const buf = this.fixed(8);
    buf.writeUInt32LE(v - high * TWO_32, this.at - 8);
    buf.writeInt32LE(high, this.at - 4);
  }

  /** Length (LEB128) and UTF-8 bytes; false for text with a lone surrogate (JSON would keep it). */
  string(s: string): boolean {
    let ascii = true;
    for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
    if (!ascii && LONE_SURROGATE.test(s)) return false;
    const size = ascii ? s.length : Buffer.byteLength(s);
    this.room(size + 5);
    for (let n = size; ; n >>>= 7) {
      if (n < 0x80) {
        this.buf[this.at++] = n;
        break;
      }
      this.buf[this.at++] = (n & 0x7f) | 0x80;
    }
    if (ascii) for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
    else this.utf8(s);
    return true;
  }

  /**
   * Plain decimal text (`-?digits[.digits]`) as the integer `text × 10^scale` in `bytes`
   * little-endian two's-complement bytes. False for any other spelling, more fraction digits than
   * the scale or more integer digits than precision − scale: the engine's own answer to those
   * (a rounding, an error) is the JSON path's.
   */
  decimal(text: string, precision: number, scale: number, bytes: number): boolean {
    const negative = text.charCodeAt(0) === 0x2d;
    let i = negative ? 1 : 0;
    let point = -1;
    let significant = 0; // integer digits after leading zeros
    for (let k = i; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x2e && point < 0) point = k;
      else if (c < 0x30 || c > 0x39) return false;
      else if (point < 0 && (significant > 0 || c !== 0x30)) significant++;
    }
    const integerEnd = point < 0 ? text.length : point;
    const fraction = point < 0 ? 0 : text.length - point - 1;
    if (integerEnd === i || (point >= 0 && fraction === 0) || fraction > scale || significant > precision - scale) return false;

    const count = Math.ceil(bytes / 3);
    if (text.length - i - (point < 0 ? 0 : 1) <= 15) {
      // Up to 15 digits are an exact double: one multiplication by the power of ten.
      let m = 0;
      for (; i < text.length; i++) if (i !== point) m = m * 10 + (text.charCodeAt(i) - 0x30);
      this.scaled(m, scale - fraction, count);
    } else {
      this.limbs.fill(0, 0, count);
      this.used = 0;
      // Eight digits a step, the fraction's missing digits as zeros.
      let chunk = 0;
      let digits = 0;
      for (; i < text.length; i++) {
        if (i === point) continue;
        chunk = chunk * 10 + (text.charCodeAt(i) - 0x30);
        if (++digits === 8) {
          this.step(chunk, E8);
          chunk = 0;
          digits = 0;
        }
      }
      for (let pad = scale - fraction; pad > 0; ) {
        const zeros = Math.min(pad, 8 - digits);
        chunk *= POW10[zeros]!;
        digits += zeros;
        pad -= zeros;
        if (digits === 8) {
          this.step(chunk, E8);
          chunk = 0;
          digits = 0;
        }
      }
      if (digits > 0) this.step(chunk, POW10[digits]!);
    }

    const limbs = this.limbs;
    if (negative && this.used > 0) {
      // Two's complement: invert every limb, then add one.
      let carry = 1;
      for (let w = 0; w < count; w++) {
        const x = TWO_24 - 1 - limbs[w]! + carry;
        carry = x >= TWO_24 ? 1 : 0;
        limbs[w] = x - carry * TWO_24;
      }
    }
    const buf = this.fixed(bytes);
    const end = this.at;
    for (let b = end - bytes, w = 0; b < end; w++) {
      const limb = limbs[w]!;
      buf[b++] = limb & 0xff;
      if (b < end) buf[b++] = (limb >>> 8) & 0xff;
      if (b < end) buf[b++] = limb >>> 16;
    }
    return true;
  }

  /** limbs = m × 10^exponent, for m an exact integer below 2^53: m in three 24-bit parts, each product below 2^48. */
  private scaled(m: number, exponent: number, count: number): void {
    const limbs = this.limbs;
    for (let w = 0; w < count + 3; w++) limbs[w] = 0;
    const power = POW10_LIMBS[exponent]!;
    // Floor division rather than %, which on doubles is a call to fmod.
    const rest = Math.floor(m / TWO_24);
    const m0 = m - rest * TWO_24;
    const m2 = Math.floor(rest / TWO_24);
    const m1 = rest - m2 * TWO_24;
    for (let j = 0; j < power.length && j < count; j++) {
      const p = power[j]!;
      limbs[j] = limbs[j]! + m0 * p;
      limbs[j + 1] = limbs[j + 1]! + m1 * p;
      limbs[j + 2] = limbs[j + 2]! + m2 * p;
    }
    let carry = 0;
    for (let w = 0; w < count; w++) {
      const x = limbs[w]! + carry;
      carry = Math.floor(x / TWO_24);
      limbs[w] = x - carry * TWO_24;
    }
    this.used = m === 0 ? 0 : count;
  }

  /**
   * limbs = limbs × multiplier + chunk. A limb (below 2^24) times 10^8 plus a carry (below
   * 10^8 + 1) stays below 2^53: exact in a double.
   */
  private step(chunk: number, multiplier: number): void {
    const limbs = this.limbs;
    let carry = chunk;
    for (let w = 0; w < this.used; w++) {
      const x = limbs[w]! * multiplier + carry;
      carry = Math.floor(x / TWO_24);
      limbs[w] = x - carry * TWO_24;
    }
    while (carry > 0) {
      const high = Math.floor(carry / TWO_24);
      limbs[this.used++] = carry - high * TWO_24;
      carry = high;
    }
  }
}
