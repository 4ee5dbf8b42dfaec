import { ExgateError } from '@exgate/errors';
import type { ExchangeInfo, Market } from '@exgate/exchanges';

/**
 * Symbols across dialects. A dialect reads its own spelling into a Market (BTC-PERP, BTC_USDC_PERP,
 * BTC/USDT, btcusdt), and the target exchange's module writes it the way that exchange does
 * (`ExchangeInfo.spelling`). The exchange's own spelling is always accepted too. Pure.
 */
export type { Market };

/**
 * The exchange's symbol for what a caller wrote: the dialect's spelling mapped (when `read`
 * recognises it and the result is a valid symbol there), else the exchange's own spelling.
 * INVALID_ARGUMENT on `symbol` when neither fits the exchange's syntax.
 */
export function exchangeSymbol(exchange: ExchangeInfo, raw: string, read: (upper: string) => Market | undefined): string {
  const upper = raw.trim().toUpperCase();
  const market = upper.length <= 64 ? read(upper) : undefined;
  if (market) {
    const spelled = exchange.spelling.write(market);
    if (exchange.symbolPattern.test(spelled)) return spelled;
  }
  if (upper.length <= 64 && exchange.symbolPattern.test(upper)) return upper;
  throw new ExgateError('INVALID_ARGUMENT', `invalid symbol ${JSON.stringify(raw.slice(0, 48))} for ${exchange.id}`, { details: { field: 'symbol' } });
}
