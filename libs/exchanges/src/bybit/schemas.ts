import { z } from 'zod';

/**
 * Bybit v5 shapes as they arrive (bybit-exchange/docs: websocket/public/trade.mdx,
 * market/recent-trade.mdx, market/kline.mdx, market/instrument.mdx). Prices and sizes are strings
 * and stay strings; ids are strings (UUIDs on linear, 19 digits on spot: neither fits a JS number).
 */
const ms = z.number().int().nonnegative();
/** REST sends times as decimal strings of ms. */
const msString = z.string().regex(/^\d{1,16}$/);

/** One fill of a `publicTrade.{symbol}` push. `L` is derivatives only; `seq` and `RPI` came in 2025. */
export const tradeItem = z.object({
  T: ms,
  s: z.string(),
  S: z.enum(['Buy', 'Sell']),
  v: z.string(),
  p: z.string(),
  i: z.string().min(1).max(64),
  L: z.string().optional(),
  BT: z.boolean().optional(),
  RPI: z.boolean().optional(),
  seq: z.number().int().optional(),
});
export type TradeItem = z.infer<typeof tradeItem>;

/** `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":…,"data":[…]}`: fills ascending by time. */
export const tradePush = z.object({
  topic: z.string(),
  type: z.string(),
  ts: ms,
  data: z.array(z.unknown()),
});

/**
 * A command's answer: `{"success":true,"ret_msg":"subscribe","conn_id":"…","req_id":"7","op":"subscribe"}`
 * (spot says `subscribe` in ret_msg, linear leaves it empty; pongs are answers to `op: ping`).
 */
export const commandAnswer = z.object({
  success: z.boolean(),
  ret_msg: z.string().optional(),
  op: z.string(),
  req_id: z.string().optional(),
  conn_id: z.string().optional(),
});

// ---- REST (https://api.bybit.com) ----

/** Every answer: errors come inside HTTP 200 bodies as a non-zero `retCode`. */
export const envelope = z.object({
  retCode: z.number().int(),
  retMsg: z.string(),
  result: z.unknown(),
  time: z.number().optional(),
});

export const recentTradeRow = z.object({
  execId: z.string().min(1),
  symbol: z.string(),
  price: z.string(),
  size: z.string(),
  side: z.enum(['Buy', 'Sell']),
  time: msString,
  isBlockTrade: z.boolean(),
  isRPITrade: z.boolean().optional(),
  seq: z.string().optional(),
});
export type RecentTradeRow = z.infer<typeof recentTradeRow>;
export const recentTrades = z.object({ category: z.string(), list: z.array(recentTradeRow) });

/** `[startTime, open, high, low, close, volume, turnover]`, all strings, newest first. */
export const klineRow = z.tuple([msString, z.string(), z.string(), z.string(), z.string(), z.string(), z.string()]);
export const klines = z.object({ symbol: z.string(), category: z.string(), list: z.array(klineRow) });

export const instrument = z.object({
  symbol: z.string(),
  status: z.string(),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  contractType: z.string().optional(),
  priceFilter: z.object({ tickSize: z.string() }).partial().optional(),
  lotSizeFilter: z.object({ qtyStep: z.string(), basePrecision: z.string() }).partial().optional(),
});
export type Instrument = z.infer<typeof instrument>;
export const instruments = z.object({
  category: z.string(),
  list: z.array(instrument),
  nextPageCursor: z.string().optional(),
});
