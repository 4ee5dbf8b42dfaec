/**
 * Domain values <-> bus bytes (proto/exgate/v1/bus.proto). Every bus message goes through here:
 * decimals travel as the exchange's strings, integers must be safe, and bytes that do not decode
 * into a valid message throw ExgateError MALFORMED_FRAME (checks.ts says why). A domain value the
 * wire cannot carry exactly throws INTERNAL.
 */
export { encodeTradeBatch, decodeTradeBatch } from './trade-codec';
export { encodeCandle, decodeCandle, encodeCandleBatch, decodeCandleBatch } from './candle-codec';
export { encodeTick, decodeTick } from './control-codec';
export type { ScannerTick } from './control-codec';
