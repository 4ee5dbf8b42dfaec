import { isAscii } from 'node:buffer';

const NEWLINE = 0x0a;

/** UTF-8 text; ASCII (every frame we know) copied as Latin-1: several times faster than Node's UTF-8 decoder. */
function decode(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * Lines as readline makes them (`\n`, `\r\n` and a lone `\r` end one), blank ones left out, from
 * chunks of a file's bytes. Each chunk's whole lines are decoded at once (UTF-8 never has a newline
 * byte inside a character, so cutting there never splits one): per-line events and decoding cost
 * more than parsing the frames.
 */
export class LineSplitter {
  private carry: Buffer | null = null;

  constructor(private readonly onLine: (line: string) => void) {}

  /** `chunk` may be overwritten once this returns (the reader reuses one buffer): what is kept is copied. */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.carry) {
      const first = chunk.indexOf(NEWLINE);
      if (first < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      this.block(decode(Buffer.concat([this.carry, chunk.subarray(0, first)])));
      this.carry = null;
      start = first + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      this.block(decode(chunk.subarray(start, last)));
      start = last + 1;
    }
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }

  end(): void {
    if (this.carry) this.block(decode(this.carry));
    this.carry = null;
  }

  /** Text of one or more lines separated by `\n`. */
  private block(text: string): void {
    const mayHoldCr = text.includes('\r');
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.segment(text.slice(from, nl), mayHoldCr);
      from = nl + 1;
    }
    this.segment(from === 0 ? text : text.slice(from), mayHoldCr);
  }

  private segment(segment: string, mayHoldCr: boolean): void {
    if (!mayHoldCr) {
      this.line(segment);
      return;
    }
    const line = segment.endsWith('\r') ? segment.slice(0, -1) : segment;
    if (line.includes('\r')) for (const part of line.split('\r')) this.line(part);
    else this.line(line);
  }

  private line(line: string): void {
    if (line.length === 0) return;
    if ((line.charCodeAt(0) <= 32 || line.charCodeAt(line.length - 1) <= 32) && line.trim() === '') return;
    this.onLine(line);
  }
}
