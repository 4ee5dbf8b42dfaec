import { z } from 'zod';
import { INTERVALS } from '@exgate/domain';

/**
 * The zod schemas of every parameter and response. The handlers validate with them and
 * openapi.ts documents them, so docs/openapi.json cannot drift from what the code accepts.
 */

/** 9999-12-31T23:59:59.999Z: a larger "timestamp" is a mistake, not a time. */
export const MAX_TIME_MS = 253_402_300_799_999;

const epochMs = (name: string, description: string) =>
  z
    .string({ error: `${name} must be given once` })
    .regex(/^\d{1,15}$/, { error: `${name} must be a non-negative integer: milliseconds since the epoch (UTC)` })
    .transform(Number)
    .refine((ms) => ms <= MAX_TIME_MS, { error: `${name} is after year 9999: it must be in milliseconds` })
    .meta({ description, format: 'int64', example: '1721260800000' });

const limit = (max: number, fallback: number) =>
  z
    .string({ error: 'limit must be given once' })
    .regex(/^\d{1,6}$/, { error: `limit must be an integer between 1 and ${max}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { error: `limit must be an integer between 1 and ${max}` })
    .optional()
    .transform((n) => n ?? fallback)
    .meta({ description: `How many items at most: 1..${max}, default ${fallback}.`, format: 'int64' });

export const KLINE_LIMIT_MAX = 1500;
export const TRADE_LIMIT_MAX = 1000;
export const DEFAULT_LIMIT = 500;

// Path segments: the handlers check exchange, symbol and interval against the exchange's own
// rules first (so messages can list what it accepts); these bound the shape for the document.
const exchange = z.string().min(1).max(64).meta({
  description: 'Exchange id or alias, case-insensitive: binance-usdm (alias fbinance), ...',
  example: 'binance-usdm',
});
const symbol = z.string().min(1).max(64).meta({
  description: "The exchange's symbol, case-insensitive, e.g. BTCUSDT.",
  example: 'BTCUSDT',
});
const interval = z.enum(INTERVALS).meta({
  description: 'Kline interval; the exchange may support a subset (futures have no 1s).',
  example: '1m',
});

const timeZone = z
  .string({ error: 'timeZone must be given once' })
  .max(16, { error: 'timeZone is not an offset like +08:00' })
  .optional()
  .meta({
    description:
      "UTC offset on whose clock candles are laid out (Binance's timeZone): +08:00, -1:00, 05:45, 8, UTC; range -12:00..+14:00. " +
      'It moves the boundaries of 1d and longer (and of shorter intervals the offset is not a multiple of). Send + as %2B. startTime/endTime stay UTC.',
    example: '+08:00',
  });

export const symbolParams = z.object({ exchange, symbol, interval });
export const recentParams = z.object({ exchange, symbol });
export const scheduleParams = z.object({
  exchange,
  cron_interval: z.string().min(1).max(120, { error: 'cron_interval must be at most 120 characters' }).meta({
    description:
      'A kline interval (1m, 5m, 1h, 1w, 1M, ...: ticks at each boundary), a duration from 1s to 7d (30s, 7m, 90m: ticks on its multiples since the epoch), ' +
      'a 5- or 6-field cron expression in UTC, URL-encoded (*/5 * * * * → %2A%2F5%20%2A%20%2A%20%2A%20%2A), or a macro (@hourly, @daily, @weekly, @monthly, @yearly). Hashed H fields are refused.',
    example: '1m',
  }),
});
export const storedKlineParams = z.object({
  exchange,
  symbol,
  interval,
  startTime: epochMs('startTime', 'Open time from, inclusive, ms since the epoch.'),
  endTime: epochMs('endTime', 'Open time to, inclusive, ms since the epoch.'),
});

export const storedKlineQuery = z.object({ limit: limit(KLINE_LIMIT_MAX, DEFAULT_LIMIT), timeZone });
export const rangeKlineQuery = z.object({
  startTime: epochMs('startTime', 'Open time from, inclusive, ms since the epoch.').optional(),
  endTime: epochMs('endTime', 'Open time to, inclusive, ms since the epoch.').optional(),
  limit: limit(KLINE_LIMIT_MAX, DEFAULT_LIMIT),
  timeZone,
});
export const recentQuery = z.object({ limit: limit(TRADE_LIMIT_MAX, DEFAULT_LIMIT) });

/** Named response schemas: openapi.ts renders them as components under these (the contract's) names. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const decimal = z.string().meta({ description: 'Decimal string, exactly as computed (never a float).' });

export const protobufAny = z.looseObject({ '@type': z.string() }).register(apiSchemas, { id: 'protobufAny' });
export const rpcStatusSchema = z
  .object({ code: z.number().int(), message: z.string(), details: z.array(protobufAny) })
  .register(apiSchemas, { id: 'rpcStatus', description: 'google.rpc.Status: the gRPC code, a message, structured details.' });

const statusResponse = (id: string) =>
  z
    .object({
      status: z.string().meta({ description: 'What happened, as one word.' }),
      desc: z.string().meta({ description: 'What happened, for a person.' }),
    })
    .register(apiSchemas, { id });

export const pullResponse = statusResponse('klineGetAggtradeResponse');
export const stopResponse = statusResponse('klineStopPullAggtradeResponse');
export const scannerResponse = statusResponse('klineAggtradeSannerKLineResp');

export const klineSchema = z
  .object({
    open_time: z.number().int().meta({ description: 'ms since the epoch' }),
    open: decimal,
    high: decimal,
    low: decimal,
    close: decimal,
    volume: decimal,
    close_time: z.number().int().meta({ description: 'ms since the epoch: the next open time − 1' }),
    quote_volume: decimal,
    trade_count: z.number().int().nonnegative(),
    taker_buy_volume: decimal,
    taker_buy_quote_volume: decimal,
    // exgate's own candles only (not the proxy route): how complete the candle is known to be.
    first_trade_id: z.string().nullable().optional().meta({ description: 'int64 as a string; null when no trades' }),
    last_trade_id: z.string().nullable().optional().meta({ description: 'int64 as a string; null when no trades' }),
    gap_free: z.boolean().optional().meta({ description: 'exgate saw every trade id of the bucket' }),
    state: z.enum(['forming', 'closed', 'corrected']).optional(),
    version: z.number().int().nonnegative().optional().meta({ description: 'grows with every change' }),
  })
  .register(apiSchemas, { id: 'GetKlineResponseKline' });
export const klineResponse = z.object({ kline: z.array(klineSchema) }).register(apiSchemas, { id: 'klineGetKlineResponse' });

export const tradeSchema = z
  .object({
    id: z.string().meta({ format: 'int64' }),
    time: z.string().meta({ format: 'int64', description: 'trade time at the exchange, ms' }),
    price: decimal,
    amount: decimal,
    isBuyerMaker: z.boolean(),
  })
  .register(apiSchemas, { id: 'GetTradeRecentResponseTrade' });
export const recentResponse = z.object({ trade: z.array(tradeSchema) }).register(apiSchemas, { id: 'klineGetTradeRecentResponse' });

export type KlineJson = z.infer<typeof klineSchema>;
export type TradeJson = z.infer<typeof tradeSchema>;
