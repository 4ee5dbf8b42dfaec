import { isInterval } from '@exgate/domain';
import type { Candle } from '@exgate/domain';
import * as pb from './gen/exgate/v1/bus';
import { readCandle, STATE_TO_WIRE, writeCandle } from './candle-wire';
import { decimal, decoding, encoding, fromWireEnum, ident, invalid, toWireInt, wireInt } from './checks';

/** The bytes the generated encoder writes, written by hand (candle-wire.ts says why). */
export function encodeCandle(candle: Candle): Uint8Array {
  return encoding('Candle', () => writeCandle(candle));
}

export function decodeCandle(bytes: Uint8Array): Candle {
  return readCandle(bytes) ?? generatedDecodeCandle(bytes);
}

/** The generated codec alone: what the hand-written one is held equal to. */
export function generatedEncodeCandle(candle: Candle): Uint8Array {
  return encoding('Candle', () => pb.Candle.encode(candleToWire(candle)).finish());
}

export function generatedDecodeCandle(bytes: Uint8Array): Candle {
  return decoding('Candle', bytes, () => candleFromWire(pb.Candle.decode(bytes)));
}

/** Candles of any keys and intervals, in order. */
export function encodeCandleBatch(candles: readonly Candle[]): Uint8Array {
  return encoding('CandleBatch', () => pb.CandleBatch.encode({ candles: candles.map(candleToWire) }).finish());
}

export function decodeCandleBatch(bytes: Uint8Array): Candle[] {
  return decoding('CandleBatch', bytes, () => {
    const batch = pb.CandleBatch.decode(bytes);
    if (batch.candles.length === 0) return emptyBatch(bytes, 'candles');
    return batch.candles.map(candleFromWire);
  });
}

/**
 * An empty list encodes to zero bytes. Bytes that hold only unknown fields decode to an empty
 * batch too; that is never what a producer of ours sent, so it is refused rather than dropped.
 */
function emptyBatch(bytes: Uint8Array, what: string): never[] {
  return bytes.length === 0 ? [] : invalid(`${bytes.length} bytes carry no ${what}`);
}

function optionalId(id: number | null, field: string): string | undefined {
  return id === null ? undefined : toWireInt(id, field);
}

function candleToWire(c: Candle): pb.Candle {
  return {
    exchange: ident(c.exchange, 'exchange'),
    symbol: ident(c.symbol, 'symbol'),
    interval: isInterval(c.interval) ? c.interval : invalid(`interval is unknown: ${c.interval}`),
    openTimeMs: toWireInt(c.openTimeMs, 'openTimeMs'),
    closeTimeMs: toWireInt(c.closeTimeMs, 'closeTimeMs'),
    open: decimal(c.open, 'open'),
    high: decimal(c.high, 'high'),
    low: decimal(c.low, 'low'),
    close: decimal(c.close, 'close'),
    volume: decimal(c.volume, 'volume'),
    quoteVolume: decimal(c.quoteVolume, 'quoteVolume'),
    takerBuyVolume: decimal(c.takerBuyVolume, 'takerBuyVolume'),
    takerBuyQuoteVolume: decimal(c.takerBuyQuoteVolume, 'takerBuyQuoteVolume'),
    tradeCount: toWireInt(c.tradeCount, 'tradeCount'),
    firstTradeId: optionalId(c.firstTradeId, 'firstTradeId'),
    lastTradeId: optionalId(c.lastTradeId, 'lastTradeId'),
    gapFree: c.gapFree,
    state: STATE_TO_WIRE[c.state] ?? invalid(`state has no known value: ${String(c.state)}`),
    version: toWireInt(c.version, 'version'),
  };
}

function candleFromWire(c: pb.Candle): Candle {
  return {
    exchange: ident(c.exchange, 'exchange'),
    symbol: ident(c.symbol, 'symbol'),
    interval: isInterval(c.interval) ? c.interval : invalid(`interval is unknown: ${JSON.stringify(c.interval)}`),
    openTimeMs: wireInt(c.openTimeMs, 'openTimeMs'),
    closeTimeMs: wireInt(c.closeTimeMs, 'closeTimeMs'),
    open: decimal(c.open, 'open'),
    high: decimal(c.high, 'high'),
    low: decimal(c.low, 'low'),
    close: decimal(c.close, 'close'),
    volume: decimal(c.volume, 'volume'),
    quoteVolume: decimal(c.quoteVolume, 'quoteVolume'),
    takerBuyVolume: decimal(c.takerBuyVolume, 'takerBuyVolume'),
    takerBuyQuoteVolume: decimal(c.takerBuyQuoteVolume, 'takerBuyQuoteVolume'),
    tradeCount: wireInt(c.tradeCount, 'tradeCount'),
    firstTradeId: c.firstTradeId === undefined ? null : wireInt(c.firstTradeId, 'firstTradeId'),
    lastTradeId: c.lastTradeId === undefined ? null : wireInt(c.lastTradeId, 'lastTradeId'),
    gapFree: c.gapFree,
    state: fromWireEnum(STATE_TO_WIRE, c.state, 'state'),
    version: wireInt(c.version, 'version'),
  };
}
