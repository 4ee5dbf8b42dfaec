import { streamKey } from '@exgate/domain';
import type { TimeRange, Trade, TradeBatch, TradeKind } from '@exgate/domain';
import * as pb from './gen/exgate/v1/bus';
import { decimal, decoding, encoding, fromWireEnum, ident, invalid, toWireInt, wireInt } from './checks';
import { readTradeBatch } from './trade-read';
import { KIND_TO_WIRE, sourceId, writeTradeBatch } from './trade-wire';

/**
 * One stream's batch: every trade must belong to the batch's exchange, symbol and kind (a mixed
 * batch is a bug upstream and throws INTERNAL). A batch may carry no trades: it still moves the
 * watermark or reports a gap.
 */
export function encodeTradeBatch(batch: TradeBatch): Uint8Array {
  return encoding('TradeBatch', () => writeTradeBatch(batch, streamOf));
}

const streamOf = (x: { exchange: string; symbol: string; kind: string }) => `${streamKey(x.exchange, x.symbol)}:${x.kind}`;

/** The generated encoder alone: what the hand-written one (trade-wire.ts) is held equal to. */
export function generatedEncodeTradeBatch(batch: TradeBatch): Uint8Array {
  return encoding('TradeBatch', () => {
    const key = streamOf(batch);
    for (const t of batch.trades) {
      const other = streamOf(t);
      if (other !== key) invalid(`a batch holds one stream: ${key} and ${other} are mixed`);
    }
    return pb.TradeBatch.encode({
      exchange: ident(batch.exchange, 'exchange'),
      symbol: ident(batch.symbol, 'symbol'),
      kind: KIND_TO_WIRE[batch.kind] ?? invalid(`kind has no known value: ${String(batch.kind)}`),
      trades: batch.trades.map(tradeToWire),
      watermarkMs: batch.watermarkMs === null ? undefined : toWireInt(batch.watermarkMs, 'watermarkMs'),
      gap: batch.gap === null ? undefined : rangeToWire(batch.gap),
    }).finish();
  });
}

/** The batch these bytes hold, read by hand (trade-read.ts) or, where that is unsure, by the generated decoder. */
export function decodeTradeBatch(bytes: Uint8Array): TradeBatch {
  return readTradeBatch(bytes) ?? generatedDecodeTradeBatch(bytes);
}

/** The generated decoder alone, with its checks: what the hand-written reader is held equal to. */
export function generatedDecodeTradeBatch(bytes: Uint8Array): TradeBatch {
  return decoding('TradeBatch', bytes, () => {
    const batch = pb.TradeBatch.decode(bytes);
    const exchange = ident(batch.exchange, 'exchange');
    const symbol = ident(batch.symbol, 'symbol');
    const kind = fromWireEnum(KIND_TO_WIRE, batch.kind, 'kind');
    return {
      exchange,
      symbol,
      kind,
      trades: batch.trades.map((t) => tradeFromWire(exchange, symbol, kind, t)),
      watermarkMs: batch.watermarkMs === undefined ? null : wireInt(batch.watermarkMs, 'watermarkMs'),
      gap: batch.gap === undefined ? null : rangeFromWire(batch.gap),
    };
  });
}

function tradeToWire(t: Trade): pb.Trade {
  return {
    id: toWireInt(t.id, 'id'),
    firstTradeId: toWireInt(t.firstTradeId, 'firstTradeId'),
    lastTradeId: toWireInt(t.lastTradeId, 'lastTradeId'),
    price: decimal(t.price, 'price'),
    qty: decimal(t.qty, 'qty'),
    isBuyerMaker: t.isBuyerMaker,
    market: t.market,
    exchangeTimeMs: toWireInt(t.exchangeTimeMs, 'exchangeTimeMs'),
    eventTimeMs: toWireInt(t.eventTimeMs, 'eventTimeMs'),
    receivedAtMs: toWireInt(t.receivedAtMs, 'receivedAtMs'),
    sourceId: t.sourceId === undefined ? '' : sourceId(t.sourceId),
  };
}

function tradeFromWire(exchange: string, symbol: string, kind: TradeKind, t: pb.Trade): Trade {
  return {
    exchange,
    symbol,
    kind,
    id: wireInt(t.id, 'id'),
    firstTradeId: wireInt(t.firstTradeId, 'firstTradeId'),
    lastTradeId: wireInt(t.lastTradeId, 'lastTradeId'),
    price: decimal(t.price, 'price'),
    qty: decimal(t.qty, 'qty'),
    isBuyerMaker: t.isBuyerMaker,
    market: t.market,
    exchangeTimeMs: wireInt(t.exchangeTimeMs, 'exchangeTimeMs'),
    eventTimeMs: wireInt(t.eventTimeMs, 'eventTimeMs'),
    receivedAtMs: wireInt(t.receivedAtMs, 'receivedAtMs'),
    ...(t.sourceId === '' ? {} : { sourceId: sourceId(t.sourceId) }),
  };
}

function rangeToWire(r: TimeRange): pb.TimeRange {
  if (r.fromMs > r.toMs) invalid(`gap is reversed: ${r.fromMs} > ${r.toMs}`);
  return { fromMs: toWireInt(r.fromMs, 'gap.fromMs'), toMs: toWireInt(r.toMs, 'gap.toMs') };
}

function rangeFromWire(r: pb.TimeRange): TimeRange {
  const fromMs = wireInt(r.fromMs, 'gap.fromMs');
  const toMs = wireInt(r.toMs, 'gap.toMs');
  if (fromMs > toMs) invalid(`gap is reversed: ${fromMs} > ${toMs}`);
  return { fromMs, toMs };
}
