/**
 * Markets across spellings. Every exchange writes a market its own way (BTCUSDT, BTC-USDT-SWAP,
 * BTC-PERP, BTCUSDT-SPOT); its module says how, so that the query dialects can map one spelling
 * to another without naming exchanges. Pure.
 */
export interface Market {
  readonly base: string;
  readonly quote: string;
  readonly contract: 'spot' | 'perp';
}

export interface SymbolSpelling {
  /** The exchange's symbol for a market. */
  write(market: Market): string;
  /** The market an exchange symbol names, when its spelling says which (undefined otherwise). */
  read(symbol: string): Market | undefined;
}

/** Quote assets, longest first, for splitting BASEQUOTE names (no separator says where to cut). */
const QUOTES = [
  'FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'DAI', 'USD', 'EUR', 'GBP', 'TRY', 'BRL', 'JPY', 'AUD',
  'BTC', 'ETH', 'BNB', 'XRP', 'TRX', 'DOGE',
] as const;

/** BASEQUOTE (Binance, HotBit, Bybit) cut at the longest known quote; undefined when none fits. */
export function splitConcatenated(symbol: string): { base: string; quote: string } | undefined {
  const s = symbol.toUpperCase();
  const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length);
  return quote ? { base: s.slice(0, -quote.length), quote } : undefined;
}

/** BASEQUOTE for one kind of market, with an optional suffix (Bybit's `-SPOT`). */
export function concatenated(contract: Market['contract'], suffix = ''): SymbolSpelling {
  return {
    write: (m) => `${m.base}${m.quote}${suffix}`,
    read: (symbol) => {
      const s = symbol.toUpperCase();
      if (suffix && !s.endsWith(suffix)) return undefined;
      const parts = splitConcatenated(suffix ? s.slice(0, -suffix.length) : s);
      return parts && { ...parts, contract };
    },
  };
}

/** Spellings tried in order: the first that reads a symbol wins; the market's contract picks the writer. */
export function eitherSpelling(byContract: Readonly<Record<Market['contract'], SymbolSpelling>>): SymbolSpelling {
  return {
    write: (m) => byContract[m.contract].write(m),
    read: (symbol) => byContract.spot.read(symbol) ?? byContract.perp.read(symbol),
  };
}
