import { z } from 'zod';
import { isInterval, type Candle } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { MessageCodec } from './codec';

/**
 * The JSON variant of the candle topic (docs/kafka.md), for consumers without protobuf: one object
 * per message, the field names of the ClickHouse `candles` table, times as epoch milliseconds,
 * prices and quantities as decimal strings exactly as stored (never a float: a JSON number would
 * be rounded by most readers).
 */
export interface CandleJson {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: string;
  readonly open_time: number;
  readonly close_time: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly quote_volume: string;
  readonly taker_buy_volume: string;
  readonly taker_buy_quote_volume: string;
  readonly trade_count: number;
  readonly first_trade_id: number | null;
  readonly last_trade_id: number | null;
  readonly gap_free: boolean;
  readonly state: 'closed' | 'corrected' | 'forming';
  readonly version: number;
}

export function candleToJson(c: Candle): CandleJson {
  return {
    exchange: c.exchange, symbol: c.symbol, interval: c.interval, open_time: c.openTimeMs, close_time: c.closeTimeMs,
    open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume, quote_volume: c.quoteVolume,
    taker_buy_volume: c.takerBuyVolume, taker_buy_quote_volume: c.takerBuyQuoteVolume, trade_count: c.tradeCount,
    first_trade_id: c.firstTradeId, last_trade_id: c.lastTradeId, gap_free: c.gapFree, state: c.state, version: c.version,
  };
}

// The same shapes the protobuf codec accepts: plain decimals, non-negative safe integers.
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a plain decimal string');
const int = z.number().int().nonnegative().refine(Number.isSafeInteger, 'a safe integer');
const ident = z.string().regex(/^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/, 'a printable identifier');

const candleJson = z.strictObject({
  exchange: ident, symbol: ident, interval: z.string().refine(isInterval, 'a known interval'),
  open_time: int, close_time: int,
  open: decimal, high: decimal, low: decimal, close: decimal, volume: decimal,
  quote_volume: decimal, taker_buy_volume: decimal, taker_buy_quote_volume: decimal,
  trade_count: int, first_trade_id: int.nullable(), last_trade_id: int.nullable(), gap_free: z.boolean(),
  state: z.enum(['forming', 'closed', 'corrected']), version: int,
});

export function candleFromJson(value: unknown): Candle {
  const parsed = candleJson.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
    throw new ExgateError('MALFORMED_FRAME', `undecodable candle JSON: ${problems}`, { retriable: false });
  }
  const j = parsed.data;
  return {
    exchange: j.exchange, symbol: j.symbol, interval: j.interval as Candle['interval'], openTimeMs: j.open_time, closeTimeMs: j.close_time,
    open: j.open, high: j.high, low: j.low, close: j.close, volume: j.volume, quoteVolume: j.quote_volume,
    takerBuyVolume: j.taker_buy_volume, takerBuyQuoteVolume: j.taker_buy_quote_volume, tradeCount: j.trade_count,
    firstTradeId: j.first_trade_id, lastTradeId: j.last_trade_id, gapFree: j.gap_free, state: j.state, version: j.version,
  };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 JSON, one object per message (ClickHouse's JSONEachRow reads it as one row). */
export const candleJsonCodec: MessageCodec<Candle> = {
  encode: (candle) => utf8.encode(JSON.stringify(candleToJson(candle))),
  decode: (bytes) => {
    let value: unknown;
    try {
      value = JSON.parse(fromUtf8.decode(bytes));
    } catch (e) {
      throw new ExgateError('MALFORMED_FRAME', `undecodable candle JSON: ${(e as Error).message}`, { retriable: false, cause: e });
    }
    return candleFromJson(value);
  },
};
