import { z } from 'zod';

/**
 * OKX v5 shapes as they arrive (docs "Order book trading → Market data"; ../shared/exchanges.md §4).
 * Everything is a string except `seqId`; prices and sizes stay strings.
 */
const digits = z.string().regex(/^\d{1,16}$/);

/** One fill of a `trades-all` push, or one aggregate of a `trades` push (`count`, `seqId`, `source`). */
export const tradeItem = z.object({
  instId: z.string(),
  tradeId: digits,
  px: z.string(),
  sz: z.string(),
  side: z.enum(['buy', 'sell']),
  ts: digits,
  count: digits.optional(),
  source: z.enum(['0', '1']).optional(),
  seqId: z.number().int().optional(),
});
export type TradeItem = z.infer<typeof tradeItem>;

/** `{"arg":{"channel":"trades-all","instId":"BTC-USDT"},"data":[…]}`. */
export const tradePush = z.object({
  arg: z.object({ channel: z.string(), instId: z.string() }),
  data: z.array(z.unknown()),
});

/** `{"event":"subscribe","arg":{…},"connId":"…"}`; `{"event":"error","code":"60012","msg":"…","connId":"…"}`. */
export const eventFrame = z.object({
  event: z.string(),
  arg: z.object({ channel: z.string(), instId: z.string().optional() }).optional(),
  code: z.string().optional(),
  msg: z.string().optional(),
  connId: z.string().optional(),
});

// ---- REST (https://www.okx.com/api/v5/…): errors inside HTTP 200 bodies as a non-zero `code` ----

export const envelope = z.object({ code: z.string(), msg: z.string(), data: z.unknown() });

/** history-trades and market/trades rows, newest first. */
export const restTrade = tradeItem.omit({ count: true, seqId: true });
export type RestTrade = z.infer<typeof restTrade>;
export const restTrades = z.array(restTrade);

/** `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`, strings, newest first. */
export const candleRow = z.tuple([digits, z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), z.enum(['0', '1'])]);
export type CandleRow = z.infer<typeof candleRow>;
export const candleRows = z.array(candleRow);

export const instrument = z.object({
  instId: z.string(),
  instType: z.string(),
  state: z.string(),
  baseCcy: z.string().optional(),
  quoteCcy: z.string().optional(),
  settleCcy: z.string().optional(),
  ctVal: z.string().optional(),
  ctValCcy: z.string().optional(),
  ctType: z.string().optional(),
  /** ms as a string; "" for some old instruments. */
  listTime: z.string().optional(),
  tickSz: z.string().optional(),
  lotSz: z.string().optional(),
});
export type Instrument = z.infer<typeof instrument>;
export const instruments = z.array(instrument);
