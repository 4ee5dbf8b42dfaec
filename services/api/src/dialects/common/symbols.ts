import { ExgateError } from '@exgate/errors';
import type { ExchangeInfo } from '@exgate/exchanges';

/**
 * Symbols across dialects. A dialect reads its own spelling into a Market (BTC-PERP, BTC_USDC_PERP,
 * BTC/USDT, btcusdt), and the exchange's speller writes it the way the target exchange does. The
 * exchange's own spelling is always accepted too. Pure.
 */
export interface Market {
  readonly base: string;
  readonly quote: string;
  readonly contract: 'spot' | 'perp';
}

/** How each exchange writes a market; exchanges not listed write BASEQUOTE. */
const SPELLERS: Readonly<Record<string, (m: Market) => string>> = {
  okx: (m) => (m.contract === 'perp' ? `${m.base}-${m.quote}-SWAP` : `${m.base}-${m.quote}`),
  // INTX perpetuals are all USDC-margined and named BASE-PERP.
  'coinbase-intx': (m) => (m.contract === 'perp' ? `${m.base}-PERP` : `${m.base}-${m.quote}`),
};

export function spell(exchangeId: string, market: Market): string {
  return (SPELLERS[exchangeId] ?? ((m: Market) => `${m.base}${m.quote}`))(market);
}

/** Quote assets, longest first, for splitting BASEQUOTE names. */
const QUOTES = [
  'FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'DAI', 'USD', 'EUR', 'GBP', 'TRY', 'BRL', 'JPY', 'AUD',
  'BTC', 'ETH', 'BNB', 'XRP', 'TRX', 'DOGE',
] as const;

/** An exchange's symbol as a Market, when its spelling says which (undefined otherwise). */
export function marketOf(exchangeId: string, symbol: string): Market | undefined {
  const s = symbol.toUpperCase();
  const perp = exchangeId.endsWith('-usdm') || exchangeId === 'bybit';
  let m = /^([A-Z0-9]+)-([A-Z0-9]+)-SWAP$/.exec(s);
  if (m) return { base: m[1]!, quote: m[2]!, contract: 'perp' };
  m = /^([A-Z0-9]+)-PERP$/.exec(s);
  if (m) return { base: m[1]!, quote: 'USDC', contract: 'perp' };
  m = /^([A-Z0-9]+)[-_/]([A-Z0-9]+)$/.exec(s);
  if (m) return { base: m[1]!, quote: m[2]!, contract: perp ? 'perp' : 'spot' };
  const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length);
  return quote ? { base: s.slice(0, -quote.length), quote, contract: perp ? 'perp' : 'spot' } : undefined;
}

/**
 * The exchange's symbol for what a caller wrote: the dialect's spelling mapped (when `read`
 * recognises it and the result is a valid symbol there), else the exchange's own spelling.
 * INVALID_ARGUMENT on `symbol` when neither fits the exchange's syntax.
 */
export function exchangeSymbol(exchange: ExchangeInfo, raw: string, read: (upper: string) => Market | undefined): string {
  const upper = raw.trim().toUpperCase();
  const market = upper.length <= 64 ? read(upper) : undefined;
  if (market) {
    const spelled = spell(exchange.id, market);
    if (exchange.symbolPattern.test(spelled)) return spelled;
  }
  if (upper.length <= 64 && exchange.symbolPattern.test(upper)) return upper;
  throw new ExgateError('INVALID_ARGUMENT', `invalid symbol ${JSON.stringify(raw.slice(0, 48))} for ${exchange.id}`, { details: { field: 'symbol' } });
}
