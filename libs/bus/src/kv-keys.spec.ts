import fc from 'fast-check';
import { decodeKvKey, encodeKvKey } from './kv-keys';

/** What the nats client accepts as a KV key (nats.js validateKey), plus no empty dot tokens. */
function acceptedByNats(key: string): boolean {
  return /^[-/=.\w]+$/.test(key) && !key.startsWith('.') && !key.endsWith('.') && !key.includes('..');
}

describe('KV key encoding', () => {
  it('leaves the keys exgate writes readable', () => {
    expect(encodeKvKey('binance-usdm.BTCUSDT')).toBe('binance-usdm.BTCUSDT');
    expect(encodeKvKey('binance-usdm.BTCUSDT.aggTrade')).toBe('binance-usdm.BTCUSDT.aggTrade');
  });

  it('escapes everything NATS would refuse, including the escape character itself', () => {
    expect(encodeKvKey('binance-usdm.*/5 * * * *')).toBe('binance-usdm.=2A=2F5=20=2A=20=2A=20=2A=20=2A');
    expect(encodeKvKey('a=b')).toBe('a=3Db');
    expect(encodeKvKey('.a..b.')).toBe('=2Ea=2E.b=2E');
    expect(encodeKvKey('ü')).toBe('=C3=BC');
  });

  it('round-trips any key into a key NATS accepts', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (key) => {
        const encoded = encodeKvKey(key);
        expect(acceptedByNats(encoded)).toBe(true);
        expect(decodeKvKey(encoded)).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it('maps different keys to different encodings', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(encodeKvKey(a)).not.toBe(encodeKvKey(b));
      }),
    );
  });

  it('refuses the empty key', () => {
    expect(() => encodeKvKey('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
