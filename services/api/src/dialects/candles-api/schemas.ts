import { z } from 'zod';
import { CANDLES_API_INTERVALS } from './map';

/** Seed 003's request and response, for the OpenAPI document and the tests. */
export const candlesApiQuery = z.object({
  symbol: z.string().meta({ description: 'BTCUSDT or BTC_USDC_PERP style, case-insensitive.', example: 'BTCUSDT' }),
  interval: z.enum(CANDLES_API_INTERVALS),
  from: z.string().optional().meta({ description: 'ISO 8601 or ms since the epoch; default: the range per interval (1m: 24 h, 5m: 7 d, 15m: 14 d, 30m: 1 month, 1h: 3 months, 4h: 1 year, 1d: 5 years) back from `to`.' }),
  to: z.string().optional().meta({ description: 'ISO 8601 or ms since the epoch; default: now.' }),
  exchange: z.string().optional().meta({ description: 'Exchange id or alias to read (exgate); default binance-usdm.' }),
});

const exactNumber = z.number().meta({ description: 'A JSON number written with the exact decimal digits (never rounded through a float).' });
export const candlesApiRow = z.strictObject({
  time: z.string(),
  open: exactNumber,
  high: exactNumber,
  low: exactNumber,
  close: exactNumber,
  volume: exactNumber,
  trade_count: z.number().int(),
});
export const candlesApiResponse = z.strictObject({
  symbol: z.string(),
  dbSymbol: z.string(),
  interval: z.string(),
  from: z.string(),
  to: z.string(),
  count: z.number().int(),
  data: z.array(candlesApiRow),
});
export const candlesApiError = z.looseObject({ error: z.string(), message: z.string().optional(), allowedIntervals: z.array(z.string()).optional() });
