import fc from 'fast-check';
import type { Candle } from '@exgate/domain';
import { isExgateError } from '@exgate/errors';
import {
  decodeCandle,
  decodeCandleBatch,
  decodeTick,
  decodeTradeBatch,
  encodeCandle,
  encodeCandleBatch,
  encodeTick,
  encodeTradeBatch,
} from './codec';
import * as pb from './gen/exgate/v1/bus';

const wireTrade: pb.Trade = {
  id: '5182005737', firstTradeId: '5182005737', lastTradeId: '5182005737',
  price: '63943.90', qty: '0.003', isBuyerMaker: true, market: true,
  exchangeTimeMs: '1721347022956', eventTimeMs: '1721347022956', receivedAtMs: '1721347022960', sourceId: '',
};
const wireBatch = (trade: Partial<pb.Trade>, batch: Partial<pb.TradeBatch> = {}): Uint8Array =>
  pb.TradeBatch.encode({
    exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: pb.TradeKind.TRADE_KIND_TRADE, trades: [{ ...wireTrade, ...trade }],
    watermarkMs: '1721347022956', gap: { fromMs: '1721347000000', toMs: '1721347001000' }, ...batch,
  }).finish();

const sampleCandle: Candle = {
  exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', openTimeMs: 1721346900000, closeTimeMs: 1721346959999,
  open: '63940.10', high: '63940.20', low: '63930.30', close: '63930.40', volume: '43.547', quoteVolume: '2784262.61770',
  takerBuyVolume: '15.780', takerBuyQuoteVolume: '1008890.47980', tradeCount: 444,
  firstTradeId: 5182005300, lastTradeId: 5182005743, gapFree: true, state: 'forming', version: 3,
};

function malformedReason(decode: () => unknown): string {
  try {
    decode();
  } catch (e) {
    if (isExgateError(e, 'MALFORMED_FRAME') && !e.retriable) return e.message;
    throw e;
  }
  throw new Error('decoded without complaint');
}

const decoders = { decodeTradeBatch, decodeCandle, decodeCandleBatch, decodeTick };

describe('decoding bytes that are not a valid message', () => {
  it('throws MALFORMED_FRAME for a truncated batch', () => {
    const bytes = wireBatch({});
    for (const cut of [1, 5, bytes.length - 1]) {
      expect(malformedReason(() => decodeTradeBatch(bytes.subarray(0, cut)))).toMatch(/TradeBatch/);
    }
  });

  it('throws MALFORMED_FRAME for a JSON frame handed to any decoder', () => {
    const json = new TextEncoder().encode('{"e":"trade","E":1721347022956,"s":"BTCUSDT","t":5182005737}');
    for (const [name, decode] of Object.entries(decoders)) {
      expect([name, malformedReason(() => decode(json))]).toEqual([name, expect.stringMatching(/^undecodable/)]);
    }
  });

  it('refuses ids beyond 2^53-1 instead of rounding them', () => {
    expect(decodeTradeBatch(wireBatch({ id: '9007199254740991' })).trades[0]?.id).toBe(Number.MAX_SAFE_INTEGER);
    expect(malformedReason(() => decodeTradeBatch(wireBatch({ id: '9007199254740992' })))).toMatch(/id is not/);
  });

  it('refuses a reversed gap', () => {
    const reversed = wireBatch({}, { gap: { fromMs: '1721347001000', toMs: '1721347000000' } });
    expect(malformedReason(() => decodeTradeBatch(reversed))).toMatch(/gap is reversed/);
  });

  it('refuses prices that are not decimal strings', () => {
    expect(malformedReason(() => decodeTradeBatch(wireBatch({ price: '' })))).toMatch(/price/);
    expect(malformedReason(() => decodeTradeBatch(wireBatch({ qty: 'NaN' })))).toMatch(/qty/);
  });

  it('refuses enum values it does not know, including the unspecified zero', () => {
    expect(malformedReason(() => decodeTradeBatch(wireBatch({}, { kind: 7 as pb.TradeKind })))).toMatch(/kind/);
    expect(malformedReason(() => decodeTradeBatch(wireBatch({}, { kind: pb.TradeKind.TRADE_KIND_UNSPECIFIED })))).toMatch(/kind/);
    const candle = pb.Candle.decode(encodeCandle(sampleCandle));
    const unknownState = pb.Candle.encode({ ...candle, state: 4 as pb.CandleState }).finish();
    expect(malformedReason(() => decodeCandle(unknownState))).toMatch(/state/);
  });

  it('refuses a message of zeros where a trade batch, candle or tick was expected', () => {
    const empty = new Uint8Array(0);
    for (const decode of [decodeTradeBatch, decodeCandle, decodeTick]) {
      expect(malformedReason(() => decode(empty))).toMatch(/undecodable/);
    }
  });

  it('refuses a non-empty batch frame that carries nothing it knows', () => {
    const unknownOnly = new Uint8Array([0xa0, 0x06, 0x01]); // field 100, varint 1
    expect(malformedReason(() => decodeTradeBatch(unknownOnly))).toMatch(/exchange/);
    expect(malformedReason(() => decodeCandleBatch(unknownOnly))).toMatch(/carry no candles/);
    expect(decodeCandleBatch(encodeCandleBatch([]))).toEqual([]);
  });

  it('skips fields it does not know, so newer producers stay readable', () => {
    const tick = { exchange: 'binance-usdm', schedule: '@every 1m', tickTimeMs: 60000, scheduleId: 's1' };
    const withNewField = new Uint8Array([...encodeTick(tick), 0xa0, 0x06, 0x01]); // field 100, varint 1
    expect(decodeTick(withNewField)).toEqual(tick);
  });

  // Any byte string either throws MALFORMED_FRAME or decodes to values that encode back to themselves.
  // Random bytes almost never decode; valid frames with one byte changed often do, so both are tried.
  it('never returns junk nor throws anything but MALFORMED_FRAME, whatever the bytes', () => {
    const valid = [
      wireBatch({}),
      encodeCandleBatch([sampleCandle, { ...sampleCandle, firstTradeId: null, lastTradeId: null, state: 'corrected' }]),
      encodeTick({ exchange: 'binance-usdm', schedule: '*/1 * * * *', tickTimeMs: 1721347200000, scheduleId: 'all-1m' }),
    ];
    const mutated = fc
      .record({ frame: fc.constantFrom(...valid), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })
      .map(({ frame, at, byte }) => Uint8Array.from(frame, (b, i) => (i === at % frame.length ? byte : b)));
    const reencoders = {
      decodeTradeBatch: (v: ReturnType<typeof decodeTradeBatch>) => decodeTradeBatch(encodeTradeBatch(v)),
      decodeCandle: (v: ReturnType<typeof decodeCandle>) => decodeCandle(encodeCandle(v)),
      decodeCandleBatch: (v: ReturnType<typeof decodeCandleBatch>) => decodeCandleBatch(encodeCandleBatch(v)),
      decodeTick: (v: ReturnType<typeof decodeTick>) => decodeTick(encodeTick(v)),
    };
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        for (const [name, decode] of Object.entries(decoders)) {
          let value: unknown;
          try {
            value = decode(bytes);
          } catch (e) {
            if (!isExgateError(e, 'MALFORMED_FRAME')) throw e;
            continue;
          }
          expect((reencoders as Record<string, (v: unknown) => unknown>)[name]?.(value)).toEqual(value);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
