import { INTERVALS } from '@exgate/domain';
import type { Candle, CandleState, Trade, TradeBatch } from '@exgate/domain';
import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
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

const MAX_ID = Number.MAX_SAFE_INTEGER; // 2^53 - 1

interface TradeFrame { s: string; t: number; p: string; q: string; T: number; E: number; m: boolean; X: string }
interface AggTradeFrame { s: string; a: number; f: number; l: number; p: string; q: string; T: number; E: number; m: boolean }

// A minimal stand-in for the exchange mapper: the codec must carry whatever the mapper produces.
function fromTradeFrame(line: string): Trade {
  const d = (JSON.parse(line) as { data: TradeFrame }).data;
  return {
    exchange: 'binance-usdm', symbol: d.s, kind: 'trade', id: d.t, firstTradeId: d.t, lastTradeId: d.t,
    price: d.p, qty: d.q, isBuyerMaker: d.m, market: d.X === 'MARKET',
    exchangeTimeMs: d.T, eventTimeMs: d.E, receivedAtMs: d.E + 7,
  };
}

function fromAggTradeFrame(line: string): Trade {
  const d = (JSON.parse(line) as { data: AggTradeFrame }).data;
  return {
    exchange: 'binance-usdm', symbol: d.s, kind: 'aggTrade', id: d.a, firstTradeId: d.f, lastTradeId: d.l,
    price: d.p, qty: d.q, isBuyerMaker: d.m, market: true,
    exchangeTimeMs: d.T, eventTimeMs: d.E, receivedAtMs: d.E + 2,
  };
}

const trade: Trade = fromAggTradeFrame(
  '{"data":{"s":"BTCUSDT","a":1,"f":1,"l":3,"p":"28165.47000000","q":"0.00100000","T":1680652800000,"E":1680652800001,"m":true}}',
);

function candle(overrides: Partial<Candle> = {}): Candle {
  return {
    exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m',
    openTimeMs: 1721346900000, closeTimeMs: 1721346959999,
    open: '63940.10', high: '63940.20', low: '63930.30', close: '63930.40', volume: '43.547',
    quoteVolume: '2784262.61770', takerBuyVolume: '15.780', takerBuyQuoteVolume: '1008890.47980',
    tradeCount: 444, firstTradeId: 5182005300, lastTradeId: 5182005743, gapFree: true, state: 'closed', version: 1,
    ...overrides,
  };
}

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function batchOf(trades: readonly Trade[], extra: Partial<TradeBatch> = {}): TradeBatch {
  const [first = trade] = trades;
  return { exchange: first.exchange, symbol: first.symbol, kind: first.kind, trades, watermarkMs: null, gap: null, ...extra };
}

describe('trade batches', () => {
  it('carry every recorded USDⓈ-M trade frame unchanged', () => {
    const trades = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').map(fromTradeFrame);
    expect(trades.length).toBeGreaterThan(10000);
    const batch = batchOf(trades, { watermarkMs: trades.at(-1)?.exchangeTimeMs ?? null });
    expect(decodeTradeBatch(encodeTradeBatch(batch))).toEqual(batch);
  });

  it('carry recorded aggTrade frames with their first and last trade ids', () => {
    const trades = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl').map(fromAggTradeFrame);
    const decoded = decodeTradeBatch(encodeTradeBatch(batchOf(trades)));
    expect(decoded.trades).toEqual(trades);
    expect(decoded.trades[0]).toMatchObject({ kind: 'aggTrade', id: 3387056463, firstTradeId: 7910555181, lastTradeId: 7910555183 });
  });

  it('keep decimal strings byte for byte, trailing zeros included', () => {
    const [back] = decodeTradeBatch(encodeTradeBatch(batchOf([trade]))).trades;
    expect(back?.price).toBe('28165.47000000');
    expect(back?.qty).toBe('0.00100000');
  });

  it('keep ids and times up to 2^53-1 and non-market prints', () => {
    const big = { ...trade, id: MAX_ID, firstTradeId: MAX_ID - 2, lastTradeId: MAX_ID, exchangeTimeMs: MAX_ID, market: false };
    const batch = batchOf([big], { watermarkMs: MAX_ID, gap: { fromMs: 0, toMs: MAX_ID } });
    expect(decodeTradeBatch(encodeTradeBatch(batch))).toEqual(batch);
  });

  it("carry an exchange's own trade id beside exgate's sequence, and refuse one that is not an id", () => {
    const t = { ...trade, id: 1_721_347_022_956 * 1024, firstTradeId: 1_721_347_022_956 * 1024, lastTradeId: 1_721_347_022_956 * 1024, sourceId: '0cbf2330-952d-5d03-a462-4bf826c867af' };
    const batch = { exchange: t.exchange, symbol: t.symbol, kind: t.kind, trades: [t], watermarkMs: null, gap: null };
    expect(decodeTradeBatch(encodeTradeBatch(batch)).trades[0]).toEqual(t);
    expect(decodeTradeBatch(encodeTradeBatch({ ...batch, trades: [{ ...t, sourceId: '374491378496831495' }] })).trades[0]!.sourceId).toBe('374491378496831495');
    expect(() => encodeTradeBatch({ ...batch, trades: [{ ...t, sourceId: 'a b' }] })).toThrow(/sourceId/);
    expect(() => encodeTradeBatch({ ...batch, trades: [{ ...t, sourceId: '' }] })).toThrow(/sourceId/);
  });

  it('carry a batch without trades that only moves the watermark or reports a gap', () => {
    const watermark = batchOf([], { watermarkMs: 1721347200000 });
    const gap = batchOf([], { kind: 'trade', gap: { fromMs: 1721347100000, toMs: 1721347100000 } });
    expect(decodeTradeBatch(encodeTradeBatch(watermark))).toEqual(watermark);
    expect(decodeTradeBatch(encodeTradeBatch(gap))).toEqual(gap);
    expect(decodeTradeBatch(encodeTradeBatch(batchOf([], { watermarkMs: 0 }))).watermarkMs).toBe(0);
  });

  it('refuse trades of another stream in a batch', () => {
    const e = errorOf(() => encodeTradeBatch(batchOf([trade, { ...trade, symbol: 'ETHUSDT' }])));
    expect(isExgateError(e, 'INTERNAL')).toBe(true);
    expect((e as Error).message).toContain('binance-usdm:BTCUSDT:aggTrade and binance-usdm:ETHUSDT:aggTrade');
    expect(isExgateError(errorOf(() => encodeTradeBatch(batchOf([trade, { ...trade, kind: 'trade' }]))), 'INTERNAL')).toBe(true);
  });

  it('refuse to encode what they could not decode exactly', () => {
    for (const bad of [{ id: MAX_ID + 1 }, { id: -1 }, { id: 1.5 }, { price: '2.8e4' }, { qty: '' }, { symbol: '' }]) {
      const t = { ...trade, ...bad };
      expect(isExgateError(errorOf(() => encodeTradeBatch(batchOf([t]))), 'INTERNAL')).toBe(true);
    }
    const reversed = batchOf([trade], { gap: { fromMs: 2, toMs: 1 } });
    expect(isExgateError(errorOf(() => encodeTradeBatch(reversed)), 'INTERNAL')).toBe(true);
  });
});

describe('candles', () => {
  const states: CandleState[] = ['forming', 'closed', 'corrected'];

  it('round-trip every field, in every state and every interval', () => {
    const all = INTERVALS.flatMap((interval, i) =>
      states.map((state, j) => candle({ interval, state, version: i * 3 + j, gapFree: j !== 1 })),
    );
    for (const c of all) expect(decodeCandle(encodeCandle(c))).toEqual(c);
    expect(decodeCandleBatch(encodeCandleBatch(all))).toEqual(all);
  });

  it('keep null first and last trade ids of an empty bucket apart from id 0', () => {
    const empty = candle({ tradeCount: 0, firstTradeId: null, lastTradeId: null, volume: '0', gapFree: false });
    const zero = candle({ firstTradeId: 0, lastTradeId: 0 });
    expect(decodeCandle(encodeCandle(empty))).toEqual(empty);
    expect(decodeCandle(encodeCandle(zero))).toMatchObject({ firstTradeId: 0, lastTradeId: 0 });
  });

  it('carry Binance’s published klines with their exact decimals', () => {
    const [header, ...rows] = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv');
    expect(header).toMatch(/^open_time,open,high,low,close,volume/);
    const candles = rows.map((row) => {
      const [openTime = '', open = '', high = '', low = '', close = '', volume = '', closeTime = '', quoteVolume = '',
        count = '', takerBuyVolume = '', takerBuyQuoteVolume = ''] = row.split(',');
      return candle({
        openTimeMs: Number.parseInt(openTime, 10), closeTimeMs: Number.parseInt(closeTime, 10),
        open, high, low, close, volume, quoteVolume, takerBuyVolume, takerBuyQuoteVolume,
        tradeCount: Number.parseInt(count, 10),
      });
    });
    expect(decodeCandleBatch(encodeCandleBatch(candles))).toEqual(candles);
  });

  it('refuse unknown intervals and states', () => {
    expect(isExgateError(errorOf(() => encodeCandle(candle({ interval: '2m' as never }))), 'INTERNAL')).toBe(true);
    expect(isExgateError(errorOf(() => encodeCandle(candle({ state: 'open' as never }))), 'INTERNAL')).toBe(true);
  });
});

describe('scanner ticks', () => {
  it('round-trip, up to the largest wire time', () => {
    const tick = { exchange: 'binance-usdm', schedule: '*/1 * * * *', tickTimeMs: 1721347200000, scheduleId: 'all-1m' };
    expect(decodeTick(encodeTick(tick))).toEqual(tick);
    expect(decodeTick(encodeTick({ ...tick, tickTimeMs: MAX_ID }))).toEqual({ ...tick, tickTimeMs: MAX_ID });
  });
});
