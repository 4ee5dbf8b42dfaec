import { z } from 'zod';

/** Binance's requests and responses as exgate serves them, for the OpenAPI document. */
const symbol = z.string().meta({ description: "Binance's symbol (BTCUSDT), or the chosen exchange's own.", example: 'BTCUSDT' });
const ms = (description: string) => z.string().regex(/^\d{1,20}$/).optional().meta({ description, format: 'int64' });
const exchange = (fallback: string) => z.string().optional().meta({ description: `Exchange id or alias to read (exgate); default ${fallback}.`, example: 'binance-usdm' });

export const binanceKlinesQuery = (fallback: string, maxLimit: number, spot: boolean) =>
  z.object({
    symbol,
    interval: z.string().meta({ description: '1s (spot) 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M', example: '1m' }),
    startTime: ms('Open time from, inclusive.'),
    endTime: ms('Open time to, inclusive.'),
    limit: z.string().optional().meta({ description: `1..${maxLimit}, default 500.` }),
    ...(spot ? { timeZone: z.string().optional().meta({ description: 'UTC offset the candles are laid out on (-12:00..+14:00).' }) } : {}),
    exchange: exchange(fallback),
  });
export const binanceAggTradesQuery = (fallback: string) =>
  z.object({ symbol, fromId: ms('Stream id from, inclusive.'), startTime: ms('Trade time from (at most an hour before endTime).'), endTime: ms('Trade time to.'), limit: z.string().optional().meta({ description: '1..1000, default 500.' }), exchange: exchange(fallback) });
export const binanceTradesQuery = (fallback: string) => z.object({ symbol, limit: z.string().optional().meta({ description: '1..1000, default 500.' }), exchange: exchange(fallback) });
export const binanceExchangeInfoQuery = (fallback: string) => z.object({ symbol: symbol.optional(), symbols: z.string().optional().meta({ description: 'JSON array of symbols (spot).' }), exchange: exchange(fallback) });
export const binanceStreamQuery = (fallback: string) => z.object({
  streams: z.string().optional().meta({ description: 'Combined streams: name/name/…, each <symbol>@kline_<interval>, <symbol>@aggTrade or <symbol>@trade.' }),
  exchange: exchange(fallback),
});

const decimal = z.string();
export const binanceKlines = z.array(z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal, z.number().int(), decimal, z.number().int(), decimal, decimal, z.literal('0')]))
  .meta({ description: '[openTime, open, high, low, close, volume, closeTime, quoteVolume, count, takerBuyBaseVolume, takerBuyQuoteVolume, ignore]' });
export const binanceAggTrades = z.array(z.object({ a: z.number().int(), p: decimal, q: decimal, f: z.number().int(), l: z.number().int(), T: z.number().int(), m: z.boolean(), M: z.boolean().optional() }));
export const binanceTrades = z.array(z.object({ id: z.number().int(), price: decimal, qty: decimal, quoteQty: decimal, time: z.number().int(), isBuyerMaker: z.boolean(), isBestMatch: z.boolean().optional() }));
export const binanceExchangeInfo = z.looseObject({ timezone: z.string(), serverTime: z.number().int(), rateLimits: z.array(z.looseObject({})), exchangeFilters: z.array(z.unknown()), symbols: z.array(z.looseObject({ symbol: z.string() })) });
export const binanceTime = z.object({ serverTime: z.number().int() });
export const binancePing = z.object({});
export const binanceError = z.object({ code: z.number().int(), msg: z.string() });
