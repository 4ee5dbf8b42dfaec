/**
 * One growing buffer that insert payloads are written into value by value: sized once from the
 * first row by the caller (`room`), doubled only when a row outgrows it.
 */
export class ByteWriter {
  protected buf: Buffer;
  protected at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.at;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  /** Text as UTF-8 (lone surrogates as U+FFFD). */
  utf8(s: string): void {
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at);
  }

  /** At least `bytes` free after what is written. */
  room(bytes: number): void {
    if (this.buf.length - this.at >= bytes) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}
