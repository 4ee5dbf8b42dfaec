import fc from 'fast-check';

/**
 * Arbitraries the hand-written readers' property specs share: they hold a reader equal to the
 * generated decoder on well-formed bytes and on the damaged bytes a broker or a bug could hand it.
 */

/** What a call gives: its value (bytes as hex), or its error's code and words. */
export function outcome(call: () => unknown): unknown {
  try {
    const value = call();
    return value instanceof Uint8Array ? { bytes: Buffer.from(value).toString('hex') } : { value };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { error: err.code, message: err.message };
  }
}

/**
 * A message's encoding with up to four bytes overwritten and, half the time, cut short: close
 * enough to valid that the readers' checks past the first tag are reached.
 */
export function damagedEncoding<T>(message: fc.Arbitrary<T>, encode: (value: T) => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.tuple(message, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }), fc.nat(), fc.boolean())
    .map(([value, flips, cut, truncate]) => {
      const bytes = Uint8Array.from(encode(value));
      if (bytes.length === 0) return bytes;
      for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
      return truncate ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
    });
}
