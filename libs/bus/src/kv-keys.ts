import { ExgateError } from '@exgate/errors';

/**
 * NATS KV keys may only hold `[A-Za-z0-9_=.-/]`, and dots split tokens (no empty token). Our keys
 * (`binance-usdm.BTCUSDT`, schedule names, cron strings) can hold anything, so every other byte
 * is written `=XX` (UTF-8, upper-case hex) — and so are `=` and `/` themselves, and any dot that
 * would leave an empty token. Readable keys stay readable; the mapping is one-to-one.
 */
const PLAIN = /[A-Za-z0-9_-]/;

export function encodeKvKey(key: string): string {
  if (key === '') throw new ExgateError('INVALID_ARGUMENT', 'a key cannot be empty');
  let out = '';
  for (let i = 0; i < key.length; ) {
    const cp = key.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (PLAIN.test(ch)) out += ch;
    else if (ch === '.' && out !== '' && !out.endsWith('.') && i < key.length && key[i] !== '.') out += '.';
    else for (const byte of Buffer.from(ch, 'utf8')) out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeKvKey(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const ch = encoded[i]!;
    if (ch === '=') {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new ExgateError('INVALID_ARGUMENT', `not an encoded key: ${encoded}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(ch.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
