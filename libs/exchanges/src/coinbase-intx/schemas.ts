import { z } from 'zod';

/**
 * Coinbase INTX shapes as they arrive (docs.cdp.coinbase.com/international-exchange: websocket-feed
 * overview and channels; REST `GET /api/v1/instruments/{instrument}/candles`, seed 002). Prices and
 * sizes are strings and stay strings; `match_id` is a snowflake-like string beyond 2^53.
 */

/** `{"sequence":0,"product_id":"BTC-PERP","time":"…Z","match_id":"…","trade_qty":"0.006","aggressor_side":"BUY","trade_price":"28833.1","channel":"MATCH","type":"UPDATE"}` */
export const matchMessage = z.object({
  channel: z.literal('MATCH'),
  type: z.string(),
  sequence: z.number().int().nonnegative(),
  product_id: z.string().min(1).max(64),
  time: z.string().max(40),
  match_id: z.string().regex(/^\d{1,30}$/),
  trade_price: z.string(),
  trade_qty: z.string(),
  aggressor_side: z.enum(['BUY', 'SELL', 'OPENING_FILL']),
});
export type MatchMessage = z.infer<typeof matchMessage>;

/**
 * The answer to SUBSCRIBE/UNSUBSCRIBE: the connection's subscriptions now, without a sequence.
 * `{"channels":[{"name":"MATCH","product_ids":["BTC-PERP"]}],"authenticated":true,"channel":"SUBSCRIPTIONS","type":"SNAPSHOT","time":"…"}`
 */
export const subscriptionsSnapshot = z.object({
  channel: z.literal('SUBSCRIPTIONS'),
  type: z.string(),
  channels: z.array(z.object({ name: z.string(), product_ids: z.array(z.string()) })),
  authenticated: z.boolean().optional(),
});

/** A refusal: `{"channel":"SUBSCRIPTIONS","type":"REJECT","message":"…","reason":"…"}` (shape not documented in full). */
export const rejectMessage = z.object({
  type: z.literal('REJECT'),
  channel: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
});

// ---- REST (https://api.international.coinbase.com) ----

/** One candle: all strings, `start` ISO `…Z`. No trade count, no quote volume. */
export const aggregation = z.object({
  start: z.string(),
  open: z.string(),
  high: z.string(),
  low: z.string(),
  close: z.string(),
  volume: z.string(),
});
export const candlesResponse = z.object({ aggregations: z.array(aggregation) });

/** `GET /api/v1/instruments`: the fields exgate reads (INTX sends many more). */
export const instrument = z.object({
  symbol: z.string(),
  type: z.string(),
  base_asset_name: z.string().optional(),
  quote_asset_name: z.string().optional(),
  base_increment: z.string().optional(),
  quote_increment: z.string().optional(),
  trading_state: z.string().optional(),
});
export type Instrument = z.infer<typeof instrument>;
export const instruments = z.array(instrument);

/** REST errors: `{"title":"…","status":400}` or `{"message":"…"}`. */
export const restError = z.object({ title: z.string().optional(), message: z.string().optional(), status: z.number().optional() });
