/**
 * HotBit's times are JSON floats of seconds: ViaBTC takes `gettimeofday` (µs) as a double and
 * jansson prints it with `%.17g`, so `1512442927.202129` arrives as `1512442927.2021289`. Parsed
 * as a float and multiplied by 1000, today's times come out right only because the product's
 * rounding happens to absorb the double's error, by a thin margin; read as text, rounded to
 * the µs it was and floored to the ms, the time is exact by construction and keeps its µs.
 */
const SECONDS_TEXT = /^(\d{1,10})(?:\.(\d{1,24}))?$/;

/** `1512454847.188796` → 1512454847188; null when the text is not plain non-negative seconds. */
export function msFromSecondsText(text: string): number | null {
  const micros = microsFromSecondsText(text);
  return micros === null ? null : Math.floor(micros / 1000);
}

/** `1512442927.2021289` → 1512442927202129 (µs since the epoch); null when not plain seconds. */
export function microsFromSecondsText(text: string): number | null {
  const m = SECONDS_TEXT.exec(text);
  if (!m) return null;
  let seconds = Number(m[1]);
  const fraction = (m[2] ?? '').padEnd(7, '0');
  // Half-up to the µs: the digits past the sixth are the double's noise, not time.
  let micros = Number(fraction.slice(0, 6)) + (fraction.charCodeAt(6) >= 53 /* '5' */ ? 1 : 0);
  if (micros === 1_000_000) {
    seconds += 1;
    micros = 0;
  }
  return seconds * 1_000_000 + micros;
}

/** The time text ViaBTC sends for a deal at `micros` µs since the epoch (jansson's `%.17g`). */
export function secondsText(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const text = (seconds + (micros - seconds * 1_000_000) / 1e6).toPrecision(17);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '.0') : `${text}.0`;
}

/**
 * The texts of every `"time": <number>` member of a JSON text, in document order. A key can only
 * follow `{` or `,` outside a string (inside one its quote would be escaped), so this finds
 * exactly the members JSON.parse reads, and callers check the values agree.
 */
export function timeTexts(json: string): string[] {
  const out: string[] = [];
  for (const m of json.matchAll(/[{,]\s*"time"\s*:\s*(-?[0-9][0-9.eE+-]*)/g)) out.push(m[1]!);
  return out;
}
