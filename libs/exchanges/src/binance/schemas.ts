import { z } from 'zod';

/**
 * Binance USDⓈ-M frame shapes, as they arrive (https://developers.binance.com/docs/derivatives/
 * usds-margined-futures/websocket-market-streams). Prices and quantities are strings on the wire and
 * stay strings; unknown fields (spot's `M`, `b`, `a`) are ignored.
 */
const ms = z.number().int().nonnegative();
const id = z.number().int().nonnegative();
const decimalString = z.string();

/** `{"stream":"btcusdt@aggTrade","data":{...}}` on `/stream` connections. */
export const combinedFrame = z.object({ stream: z.string(), data: z.unknown() });

/** `{"result":null,"id":1}` (SUBSCRIBE/UNSUBSCRIBE ack) or a LIST_SUBSCRIPTIONS answer. */
export const commandResult = z.object({ result: z.unknown(), id: z.union([z.number(), z.string(), z.null()]) });
export const commandError = z.object({
  error: z.object({ code: z.number(), msg: z.string() }),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
});

/** `<symbol>@trade`: one raw fill. Futures frames carry `X` (MARKET, INSURANCE_FUND, ...); spot's don't. */
export const tradeEvent = z.object({
  e: z.literal('trade'),
  E: ms,
  T: ms,
  s: z.string(),
  t: id,
  p: decimalString,
  q: decimalString,
  m: z.boolean(),
  X: z.string().optional(),
});
export type TradeEvent = z.infer<typeof tradeEvent>;

/** `<symbol>@aggTrade`: fills of one taker at one price, ids `f..l`. `nq`/`st` appeared in 2026. */
export const aggTradeEvent = z.object({
  e: z.literal('aggTrade'),
  E: ms,
  a: id,
  s: z.string(),
  p: decimalString,
  q: decimalString,
  f: id,
  l: id,
  T: ms,
  m: z.boolean(),
  nq: decimalString.optional(),
  st: z.number().optional(),
});
export type AggTradeEvent = z.infer<typeof aggTradeEvent>;

/** `<symbol>@kline_<interval>`: Binance's own forming (x=false) or closed (x=true) candle. */
export const klineEvent = z.object({
  e: z.literal('kline'),
  E: ms,
  s: z.string(),
  k: z.object({
    t: ms,
    T: ms,
    s: z.string(),
    i: z.string(),
    f: z.number().int(),
    L: z.number().int(),
    o: decimalString,
    c: decimalString,
    h: decimalString,
    l: decimalString,
    v: decimalString,
    n: z.number().int().nonnegative(),
    x: z.boolean(),
    q: decimalString,
    V: decimalString,
    Q: decimalString,
  }),
});
export type KlineEvent = z.infer<typeof klineEvent>;

// ---- REST (https://fapi.binance.com) ----

/** Every REST error body: `{"code":-1121,"msg":"Invalid symbol."}`. */
export const restError = z.object({ code: z.number(), msg: z.string() });

/** GET /fapi/v1/aggTrades row (no event time on REST). */
export const restAggTrade = z.object({ a: id, p: decimalString, q: decimalString, f: id, l: id, T: ms, m: z.boolean() });
export type RestAggTrade = z.infer<typeof restAggTrade>;

/** GET /fapi/v1/trades and /fapi/v1/historicalTrades row: market trades only, so no `X`. */
export const restTrade = z.object({
  id,
  price: decimalString,
  qty: decimalString,
  quoteQty: decimalString.optional(),
  time: ms,
  isBuyerMaker: z.boolean(),
});
export type RestTrade = z.infer<typeof restTrade>;

/** GET /fapi/v1/klines row: the 12 columns of Binance's kline archives. */
export const restKline = z.tuple([
  ms, decimalString, decimalString, decimalString, decimalString, decimalString,
  ms, decimalString, z.number().int().nonnegative(), decimalString, decimalString, z.unknown(),
]);
export type RestKline = z.infer<typeof restKline>;

/** GET /fapi/v1/exchangeInfo, the parts we use. */
export const exchangeInfo = z.object({
  symbols: z.array(z.object({ symbol: z.string(), status: z.string().optional() })),
  rateLimits: z
    .array(z.object({ rateLimitType: z.string(), interval: z.string(), intervalNum: z.number(), limit: z.number() }))
    .optional(),
});
