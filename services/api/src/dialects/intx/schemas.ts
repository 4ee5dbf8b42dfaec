import { z } from 'zod';

/** Seed 002's request and response, for the OpenAPI document and the tests. */
export const intxQuery = z.object({
  granularity: z.enum(['ONE_DAY', 'SIX_HOUR', 'TWO_HOUR', 'ONE_HOUR', 'THIRTY_MINUTE', 'FIFTEEN_MINUTE', 'FIVE_MINUTE', 'ONE_MINUTE'])
    .meta({ description: 'The aggregation period.' }),
  start: z.string().meta({ description: 'Start, ISO 8601 (e.g. 2024-03-01T00:00:00Z): candles opening at or after it.', example: '2024-07-18T23:57:00Z' }),
  end: z.string().optional().meta({ description: 'End, ISO 8601: candles opening at or before it. Default: now.' }),
  exchange: z.string().optional().meta({ description: 'Exchange id or alias to read (exgate); default coinbase-intx.', example: 'binance-usdm' }),
});
export const intxParams = z.object({
  instrument: z.string().meta({ description: "INTX's name (BTC-PERP, BTC-USDC) or the exchange's own symbol.", example: 'BTC-PERP' }),
});

const decimal = z.string().meta({ description: 'Exact decimal string.' });
export const intxAggregation = z.strictObject({
  start: z.string().meta({ description: 'Open time, ISO 8601 UTC', example: '2024-04-23T00:00:00Z' }),
  open: decimal,
  high: decimal,
  low: decimal,
  close: decimal,
  volume: decimal,
});
export const intxResponse = z.strictObject({ aggregations: z.array(intxAggregation) });
export const intxError = z.strictObject({ title: z.string(), status: z.number().int() });
