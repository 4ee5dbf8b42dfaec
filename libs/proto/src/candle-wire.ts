import { isInterval, type Candle, type CandleState } from '@exgate/domain';
import * as pb from './gen/exgate/v1/bus';
import { checkWireInt, decimal, ident, invalid, isDecimal, isIdent } from './checks';
import { Cursor, intSize, putInt, putString, stringSize } from './wire';

/**
 * exgate.v1.Candle ↔ bytes by hand, for the one message a replay sends hundreds of thousands of a
 * minute (every closed candle goes to the candle log, the live updates and the API's cache). The
 * generated codec costs ~8 µs a candle here: it builds a wire object with int64s as strings,
 * parses them back, and grows its writer chunk by chunk. This writes the same bytes (the
 * generated encoder's field order and default-skipping; a property test holds them equal) into
 * one array of the exact size.
 *
 * Reading only accepts: anything it is not sure of (a field twice or missing, an unknown field,
 * a non-ASCII byte, an integer beyond 2^53, a value the checks refuse) returns null, and the
 * generated decoder with its checks decides and words the error. So it can never reject what the
 * generated path accepts.
 */

/** The wire's CandleState of each domain state (the codec's table too). */
export const STATE_TO_WIRE: Readonly<Record<CandleState, pb.CandleState>> = {
  forming: pb.CandleState.CANDLE_STATE_FORMING,
  closed: pb.CandleState.CANDLE_STATE_CLOSED,
  corrected: pb.CandleState.CANDLE_STATE_CORRECTED,
};
const STATE_OF: readonly (CandleState | undefined)[] = [];
for (const [state, wire] of Object.entries(STATE_TO_WIRE) as [CandleState, number][]) (STATE_OF as (CandleState | undefined)[])[wire] = state;

/** Strings of fields 6–13, in field order. */
const DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/**
 * The candle's bytes, once its values passed the same checks as the generated path (in the same
 * order, so the same error). Throws from those checks like the generated path does.
 */
export function writeCandle(c: Candle): Uint8Array {
  ident(c.exchange, 'exchange');
  ident(c.symbol, 'symbol');
  if (!isInterval(c.interval)) invalid(`interval is unknown: ${c.interval}`);
  checkWireInt(c.openTimeMs, 'openTimeMs');
  checkWireInt(c.closeTimeMs, 'closeTimeMs');
  for (let i = 0; i < DECIMALS.length; i++) decimal(c[DECIMALS[i]!], DECIMALS[i]!);
  checkWireInt(c.tradeCount, 'tradeCount');
  if (c.firstTradeId !== null) checkWireInt(c.firstTradeId, 'firstTradeId');
  if (c.lastTradeId !== null) checkWireInt(c.lastTradeId, 'lastTradeId');
  const state = STATE_TO_WIRE[c.state];
  if (state === undefined) invalid(`state has no known value: ${String(c.state)}`);
  checkWireInt(c.version, 'version');

  // Sizes: a string is its length (ASCII), an empty string or a zero integer is not written.
  let size = stringSize(1, c.exchange) + stringSize(2, c.symbol) + stringSize(3, c.interval)
    + intSize(4, c.openTimeMs) + intSize(5, c.closeTimeMs);
  for (let i = 0; i < DECIMALS.length; i++) size += stringSize(6 + i, c[DECIMALS[i]!]);
  size += intSize(14, c.tradeCount);
  if (c.firstTradeId !== null) size += intSize(15, c.firstTradeId, true);
  if (c.lastTradeId !== null) size += intSize(16, c.lastTradeId, true);
  size += intSize(17, c.gapFree ? 1 : 0) + intSize(18, state) + intSize(19, c.version);

  // Plain calls, no closures: the tsx loader wraps every closure made per call in a naming helper.
  const out = new Uint8Array(size);
  let at = putString(out, 0, 1, c.exchange);
  at = putString(out, at, 2, c.symbol);
  at = putString(out, at, 3, c.interval);
  at = putInt(out, at, 4, c.openTimeMs);
  at = putInt(out, at, 5, c.closeTimeMs);
  for (let i = 0; i < DECIMALS.length; i++) at = putString(out, at, 6 + i, c[DECIMALS[i]!]);
  at = putInt(out, at, 14, c.tradeCount);
  if (c.firstTradeId !== null) at = putInt(out, at, 15, c.firstTradeId, true);
  if (c.lastTradeId !== null) at = putInt(out, at, 16, c.lastTradeId, true);
  at = putInt(out, at, 17, c.gapFree ? 1 : 0);
  at = putInt(out, at, 18, state);
  putInt(out, at, 19, c.version);
  return out;
}

const isStringField = (field: number) => (field >= 1 && field <= 3) || (field >= 6 && field <= 13);

/** The candle these bytes hold, or null when the generated decoder must decide. */
export function readCandle(bytes: Uint8Array): Candle | null {
  const strings: string[] = ['', '', '', '', '', '', '', '', '', '', '', '', '', ''];
  const ints: (number | undefined)[] = new Array<number | undefined>(20);
  const cursor = new Cursor(bytes);
  let seen = 0;
  while (cursor.at < bytes.length) {
    const tag = cursor.varint();
    if (tag < 0) return null;
    const field = tag >>> 3;
    if (field < 1 || field > 19 || seen & (1 << field)) return null;
    seen |= 1 << field;
    const isString = isStringField(field);
    if ((tag & 7) !== (isString ? 2 : 0)) return null;
    if (!isString) {
      const n = cursor.varint();
      if (n < 0) return null;
      ints[field] = n;
      continue;
    }
    const text = cursor.text();
    if (text === null) return null;
    strings[field] = text;
  }
  const state = STATE_OF[ints[18] ?? 0];
  const interval = strings[3]!;
  const gapFree = ints[17] ?? 0;
  if (state === undefined || !isInterval(interval) || gapFree > 1) return null;
  // The generated path's checks; a refusal is left to it to word.
  if (!isIdent(strings[1]!) || !isIdent(strings[2]!)) return null;
  for (let f = 6; f <= 13; f++) if (!isDecimal(strings[f]!)) return null;
  return {
    exchange: strings[1]!, symbol: strings[2]!, interval,
    openTimeMs: ints[4] ?? 0, closeTimeMs: ints[5] ?? 0,
    open: strings[6]!, high: strings[7]!, low: strings[8]!, close: strings[9]!,
    volume: strings[10]!, quoteVolume: strings[11]!, takerBuyVolume: strings[12]!, takerBuyQuoteVolume: strings[13]!,
    tradeCount: ints[14] ?? 0,
    firstTradeId: ints[15] ?? null, lastTradeId: ints[16] ?? null,
    gapFree: gapFree === 1,
    state, version: ints[19] ?? 0,
  };
}
