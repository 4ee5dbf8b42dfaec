import type { Trade, TradeBatch, TradeKind } from '@exgate/domain';
import * as pb from './gen/exgate/v1/bus';
import { checkWireInt, decimal, ident, invalid } from './checks';
import { intSize, messageSize, putInt, putMessageHeader, putString, stringSize, varintSize } from './wire';

/**
 * exgate.v1.TradeBatch → bytes by hand: the collector encodes every print it publishes, and the
 * generated encoder (a wire object per trade with its int64s as strings, parsed back by a writer
 * that grows chunk by chunk) took ~100 ms of one turn for a flush of 500 streams. Same bytes as
 * the generated encoder (its field order and default-skipping; a property test holds them equal),
 * and the same checks in the same order, so the same error for a value the wire cannot carry.
 */

/** The wire's TradeKind of each domain kind (the codec's table too). */
export const KIND_TO_WIRE: Readonly<Record<TradeKind, pb.TradeKind>> = {
  trade: pb.TradeKind.TRADE_KIND_TRADE,
  aggTrade: pb.TradeKind.TRADE_KIND_AGG_TRADE,
};

/** An exchange's own trade id: printable, short (UUIDs, 64-bit numbers). */
export const isSourceId = (value: string): boolean => value !== '' && value.length <= 64 && /^[\x21-\x7e]+$/.test(value);

export function sourceId(value: string): string {
  if (!isSourceId(value)) invalid(`sourceId is not an exchange trade id: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

/** The checks the generated path makes of a trade, in its order. */
function checkTrade(t: Trade): void {
  checkWireInt(t.id, 'id');
  checkWireInt(t.firstTradeId, 'firstTradeId');
  checkWireInt(t.lastTradeId, 'lastTradeId');
  decimal(t.price, 'price');
  decimal(t.qty, 'qty');
  checkWireInt(t.exchangeTimeMs, 'exchangeTimeMs');
  checkWireInt(t.eventTimeMs, 'eventTimeMs');
  checkWireInt(t.receivedAtMs, 'receivedAtMs');
  if (t.sourceId !== undefined) sourceId(t.sourceId);
}

/**
 * Every tag here is one byte (fields 1–11), a boolean set is two. Sized by the two small helpers
 * below rather than intSize and stringSize: those made the call too large to inline, and a number
 * read off a print and passed to a call is boxed anew (~76 B a print of garbage, measured).
 */
function tradeSize(t: Trade): number {
  return intField(t.id) + intField(t.firstTradeId) + intField(t.lastTradeId)
    + textField(t.price) + textField(t.qty) + (t.isBuyerMaker ? 2 : 0) + (t.market ? 2 : 0)
    + intField(t.exchangeTimeMs) + intField(t.eventTimeMs) + intField(t.receivedAtMs) + textField(t.sourceId ?? '');
}

const intField = (n: number): number => (n === 0 ? 0 : 1 + varintSize(n));
const textField = (s: string): number => (s.length === 0 ? 0 : 1 + varintSize(s.length) + s.length);

function putTrade(out: Uint8Array, at: number, t: Trade): number {
  at = putInt(out, at, 1, t.id);
  at = putInt(out, at, 2, t.firstTradeId);
  at = putInt(out, at, 3, t.lastTradeId);
  at = putString(out, at, 4, t.price);
  at = putString(out, at, 5, t.qty);
  at = putInt(out, at, 6, t.isBuyerMaker ? 1 : 0);
  at = putInt(out, at, 7, t.market ? 1 : 0);
  at = putInt(out, at, 8, t.exchangeTimeMs);
  at = putInt(out, at, 9, t.eventTimeMs);
  at = putInt(out, at, 10, t.receivedAtMs);
  return putString(out, at, 11, t.sourceId ?? '');
}

/** The batch's bytes; throws (as the generated path) for a value the wire cannot carry. */
export function writeTradeBatch(batch: TradeBatch, streamOf: (t: { exchange: string; symbol: string; kind: string }) => string): Uint8Array {
  for (const t of batch.trades) {
    // The fields first (no text built per print); their names only where a field differs.
    if (t.exchange === batch.exchange && t.symbol === batch.symbol && t.kind === batch.kind) continue;
    const key = streamOf(batch);
    const other = streamOf(t);
    if (other !== key) invalid(`a batch holds one stream: ${key} and ${other} are mixed`);
  }
  ident(batch.exchange, 'exchange');
  ident(batch.symbol, 'symbol');
  const kind = KIND_TO_WIRE[batch.kind] ?? invalid(`kind has no known value: ${String(batch.kind)}`);
  const sizes = new Array<number>(batch.trades.length);
  let size = stringSize(1, batch.exchange) + stringSize(2, batch.symbol) + intSize(3, kind);
  for (let i = 0; i < batch.trades.length; i++) {
    const t = batch.trades[i]!;
    checkTrade(t);
    sizes[i] = tradeSize(t);
    size += messageSize(4, sizes[i]!);
  }
  if (batch.watermarkMs !== null) {
    checkWireInt(batch.watermarkMs, 'watermarkMs');
    size += intSize(5, batch.watermarkMs, true);
  }
  let gapSize = 0;
  if (batch.gap !== null) {
    const { fromMs, toMs } = batch.gap;
    if (fromMs > toMs) invalid(`gap is reversed: ${fromMs} > ${toMs}`);
    checkWireInt(fromMs, 'gap.fromMs');
    checkWireInt(toMs, 'gap.toMs');
    gapSize = intSize(1, fromMs) + intSize(2, toMs);
    size += messageSize(6, gapSize);
  }

  const out = new Uint8Array(size);
  let at = putString(out, 0, 1, batch.exchange);
  at = putString(out, at, 2, batch.symbol);
  at = putInt(out, at, 3, kind);
  for (let i = 0; i < batch.trades.length; i++) at = putTrade(out, putMessageHeader(out, at, 4, sizes[i]!), batch.trades[i]!);
  if (batch.watermarkMs !== null) at = putInt(out, at, 5, batch.watermarkMs, true);
  if (batch.gap !== null) {
    at = putMessageHeader(out, at, 6, gapSize);
    at = putInt(out, at, 1, batch.gap.fromMs);
    putInt(out, at, 2, batch.gap.toMs);
  }
  return out;
}
