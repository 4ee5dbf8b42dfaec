import { z } from 'zod';

/** HotBit's requests and responses as exgate serves them, for the OpenAPI document. */
const market = z.string().meta({ description: 'BTC/USDT, BTC_USDT or BTCUSDT, or the exchange\'s own symbol.', example: 'BTC/USDT' });
const exchange = z.string().optional().meta({ description: 'Exchange id or alias to read (exgate); default hotbit.', example: 'binance-usdm' });
const seconds = (description: string) => z.string().regex(/^\d+$/).meta({ description });

export const hotbitQueries = {
  'server.time': z.object({}),
  'market.list': z.object({ exchange }),
  'market.last': z.object({ market, exchange }),
  'market.deals': z.object({ market, limit: z.string().optional().meta({ description: '1..1000, default 100.' }), last_id: z.string().optional().meta({ description: 'Only deals with a larger id.' }), exchange }),
  'market.kline': z.object({ market, start_time: seconds('Open time from, s.'), end_time: seconds('Open time to, s.'), interval: seconds('60, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800, 43200, 86400, 259200, 604800, 2592000 (1 on exchanges with 1s).'), exchange }),
  'market.status': z.object({ market, period: seconds('The window back from now, s.'), exchange }),
  'market.status_today': z.object({ market, exchange }),
  'market.status24h': z.object({ market: market.optional(), exchange }),
  'market.summary': z.object({ markets: z.string().optional().meta({ description: 'JSON array of market names; none or [] for all.' }), exchange }),
  allticker: z.object({ exchange }),
} as const;

const decimal = z.string();
const status = z.object({ period: z.number().int(), last: decimal, open: decimal, close: decimal, high: decimal, low: decimal, volume: decimal, deal: decimal });
const envelope = (result: z.ZodType) => z.object({ error: z.null(), result, id: z.number().int() });
export const hotbitResponses: Readonly<Record<keyof typeof hotbitQueries, z.ZodType>> = {
  'server.time': envelope(z.number().int()),
  'market.list': envelope(z.array(z.object({ name: z.string(), stock: z.string(), money: z.string(), fee_prec: z.number().int(), stock_prec: z.number().int(), money_prec: z.number().int(), min_amount: decimal }))),
  'market.last': envelope(decimal),
  'market.deals': envelope(z.array(z.object({ id: z.number().int(), time: z.number().int(), price: decimal, amount: decimal, type: z.enum(['buy', 'sell']) }))),
  'market.kline': envelope(z.array(z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal, decimal, z.string()])).meta({ description: '[time_s, open, close, high, low, volume, amount, market]' })),
  'market.status': envelope(status),
  'market.status_today': envelope(status.omit({ period: true, close: true })),
  'market.status24h': envelope(z.union([status, z.record(z.string(), status)])),
  'market.summary': envelope(z.array(z.object({ name: z.string(), ask_count: z.number().int(), ask_amount: decimal, bid_count: z.number().int(), bid_amount: decimal }))),
  allticker: z.object({ date: z.number().int(), ticker: z.array(z.object({ symbol: z.string(), buy: decimal, sell: decimal, open: decimal, close: decimal, high: decimal, low: decimal, last: decimal, vol: decimal })) }),
};
export const hotbitWsQuery = z.object({ exchange, compress: z.enum(['true', 'false']).optional().meta({ description: 'false: text frames instead of gzip-compressed binary ones.' }) });
export const hotbitError = z.object({ error: z.object({ code: z.number().int(), message: z.string() }), result: z.null(), id: z.union([z.number(), z.string(), z.null()]) });
