/**
 * Protobuf's wire format, written by hand for the messages sent most (candle-wire.ts and
 * trade-wire.ts say why): varints of safe integers, ASCII strings (the codecs' checks admit no
 * other text), and the generated encoder's rule that a field at its default is not written.
 */

const VARINT = 0;
const LEN = 2;

export function varintSize(n: number): number {
  // Comparisons, not divisions: the collector sizes ten varints a print.
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 5;
  for (let rest = Math.floor(n / 0x800000000); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
}

export function writeVarint(out: Uint8Array, at: number, n: number): number {
  // Below 2^32 in 32-bit steps (`&` and `>>>` read the number as a uint32); above (exchange
  // times, 64-bit ids), the low 28 bits first, so that one division by a double is left.
  if (n > 0xffffffff) {
    const low = n % 0x10000000;
    out[at++] = (low & 127) | 128;
    out[at++] = ((low >>> 7) & 127) | 128;
    out[at++] = ((low >>> 14) & 127) | 128;
    out[at++] = ((low >>> 21) & 127) | 128;
    n = (n - low) / 0x10000000;
  }
  while (n >= 128) {
    out[at++] = (n & 127) | 128;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** A tag (field × 8 + wire type) is one byte below field 16, two up to field 2047. */
export const tagSize = (field: number): number => (field < 16 ? 1 : 2);

/** A string field's size; nothing when empty. */
export function stringSize(field: number, s: string): number {
  return s.length === 0 ? 0 : tagSize(field) + varintSize(s.length) + s.length;
}

/** An integer field's size; nothing when zero, unless `always` (an optional field that is set). */
export function intSize(field: number, n: number, always = false): number {
  return n === 0 && !always ? 0 : tagSize(field) + varintSize(n);
}

/** An embedded message's size, from its content's: written even when empty, as a set field is. */
export function messageSize(field: number, contentSize: number): number {
  return tagSize(field) + varintSize(contentSize) + contentSize;
}

export function putString(out: Uint8Array, at: number, field: number, s: string): number {
  if (s.length === 0) return at;
  return writeAscii(out, writeVarint(out, writeVarint(out, at, field * 8 + LEN), s.length), s);
}

export function putInt(out: Uint8Array, at: number, field: number, n: number, always = false): number {
  return n === 0 && !always ? at : writeVarint(out, writeVarint(out, at, field * 8 + VARINT), n);
}

/** The tag and length of an embedded message; its fields follow. */
export function putMessageHeader(out: Uint8Array, at: number, field: number, contentSize: number): number {
  return writeVarint(out, writeVarint(out, at, field * 8 + LEN), contentSize);
}

/**
 * Node's copy of bytes into a one-byte string (Buffer's latin1Slice; it takes any Uint8Array):
 * one string per field, where adding the characters one at a time made one per character, the
 * largest part of what reading a print allocated (a decimal's eight characters, eight strings).
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** Reads varints and text off bytes, from `at` up to `end` (an embedded message's end). */
export class Cursor {
  constructor(readonly bytes: Uint8Array, public at = 0, public end = bytes.length) {}

  /** A varint as a safe non-negative integer; -1 when it is not one (or runs off the end). */
  varint(): number {
    const { bytes } = this;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8 && this.at < this.end; i++) {
      const b = bytes[this.at++]!;
      n += (b & 127) * scale;
      if (b < 128) return n <= Number.MAX_SAFE_INTEGER ? n : -1;
      scale *= 128;
    }
    return -1;
  }

  /** A length-delimited field's length, when its bytes fit before `end`; -1 otherwise. */
  length(): number {
    const n = this.varint();
    return n < 0 || this.at + n > this.end ? -1 : n;
  }

  /** A length-delimited field as ASCII text; null when it does not fit or is not ASCII. */
  text(): string | null {
    const n = this.length();
    return n < 0 ? null : this.ascii(n);
  }

  /** `length` bytes of ASCII text; null when one is not ASCII (the generated decoder reads UTF-8). */
  ascii(length: number): string | null {
    const { bytes, at } = this;
    const end = at + length;
    for (let i = at; i < end; i++) if (bytes[i]! >= 128) return null;
    this.at = end;
    return latin1Slice.call(bytes, at, end);
  }
}
