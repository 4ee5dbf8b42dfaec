import { z } from 'zod';

/**
 * HotBit's frames as they are on the wire (seed 001; hotbitex/hotbit.io-api-docs; ViaBTC
 * accessws/aw_server.c, marketprice/mp_message.c). JSON-RPC-like: requests
 * `{"method","params":[…],"id":n}`, answers `{"error":null|{code,message},"result":…,"id":n}`,
 * pushes `{"method","params":[…],"id":null}`. Prices and amounts are decimal strings and stay
 * strings. Exported for the HotBit dialect (services/api) as well as the adapter.
 */

/** ViaBTC's error codes: 1 invalid argument, 2 internal error, 3 service unavailable, 4 method not found, 5 service timeout, 6 require authentication. */
export const hotbitError = z.object({ code: z.number().int(), message: z.string() });
export type HotbitError = z.infer<typeof hotbitError>;

/** A client request (websocket). ViaBTC closes the connection on one without an integer id, a method or a params array. */
export const hotbitRequest = z.object({ method: z.string(), params: z.array(z.unknown()), id: z.number().int().nonnegative() });
export type HotbitRequest = z.infer<typeof hotbitRequest>;

/** An answer (websocket and REST): `result` null when `error` is set. */
export const hotbitResponse = z.object({
  error: hotbitError.nullable(),
  result: z.unknown(),
  id: z.number().int().nullable(),
});
export type HotbitResponse = z.infer<typeof hotbitResponse>;

/** `{"status":"success"}`: what every subscribe and unsubscribe answers. */
export const hotbitSuccess = z.object({ status: z.literal('success') });

/** A server push: `id` is always null. */
export const hotbitPush = z.object({ method: z.string(), params: z.array(z.unknown()), id: z.null() });

/**
 * One deal, as `deals.update` pushes it and `market.deals` answers it: ViaBTC's market_update
 * builds exactly `{id,time,price,amount,type}`; `type` is the taker's side. `time` is float
 * seconds with µs on the websocket, whole seconds in the REST example: read it from the JSON text
 * (time.ts), never from this float.
 */
export const hotbitDeal = z.object({
  id: z.number().int().positive(),
  time: z.number().nonnegative(),
  price: z.string(),
  amount: z.string(),
  type: z.enum(['buy', 'sell']),
});
export type HotbitDeal = z.infer<typeof hotbitDeal>;

/** `deals.update`: `[market, deals]`, deals newest first (ids descending). */
export const dealsUpdate = z.object({
  method: z.literal('deals.update'),
  params: z.tuple([z.string(), z.array(hotbitDeal)]),
  id: z.null(),
});
export type DealsUpdate = z.infer<typeof dealsUpdate>;

/**
 * A `market.kline` / `kline.query` row: `[time_s, open, CLOSE, high, low, volume, amount, market]`
 * — close comes before high and low (ViaBTC append_kinfo); volume in the base asset, amount
 * (`deal`) in the quote asset. Seed 001's REST table mislabels [5] and [6].
 */
export const hotbitKlineRow = z.tuple([
  z.number().int().nonnegative(), z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), z.string(),
]);
export type HotbitKlineRow = z.infer<typeof hotbitKlineRow>;

/** `market.list` entry: `name` is the websocket spelling; REST wants `stock/money`. */
export const hotbitMarket = z.object({
  name: z.string(),
  stock: z.string(),
  money: z.string(),
  fee_prec: z.number().int().optional(),
  stock_prec: z.number().int().optional(),
  money_prec: z.number().int().optional(),
  min_amount: z.string().optional(),
});
export type HotbitMarket = z.infer<typeof hotbitMarket>;

/** A REST body: the same envelope as websocket answers. */
export function hotbitEnvelope<T extends z.ZodType>(result: T) {
  return z.object({ error: hotbitError.nullable(), result: result.nullable(), id: z.number().int().nullable().optional() });
}
