import type { IntervalId } from '@exgate/domain';
import { concatenated, type SymbolSpelling } from '@exgate/exchanges';

/**
 * Binance's two REST dialects exgate speaks: USDⓈ-M futures (/fapi/v1) and spot (/api/v3). They
 * share routes and row shapes and differ in limits, weights, a few fields and their default
 * exchange. COIN-M (/dapi/v1) only lists that exgate collects nothing there, so clients that load
 * every market type (ccxt's `binance`) start.
 */
export interface BinanceFlavour {
  readonly name: 'usdm' | 'spot' | 'coinm';
  /** Where the routes sit, e.g. `/fapi/v1`. */
  readonly base: string;
  readonly defaultExchange: string;
  /** How Binance writes this flavour's markets (BTCUSDT): what callers send, what rows carry. */
  readonly spelling: SymbolSpelling;
  readonly klinesMaxLimit: number;
  /** Spot rows carry `M`/`isBestMatch`; spot klines take `timeZone`. */
  readonly spot: boolean;
  /** Request weight per route (klines by limit for futures), sent back in X-MBX-USED-WEIGHT-1M. */
  readonly weight: (route: BinanceRoute, limit: number) => number;
  readonly weightPerMinute: number;
}

export type BinanceRoute = 'ping' | 'time' | 'exchangeInfo' | 'klines' | 'aggTrades' | 'trades';

/** Futures klines weigh by limit: [1,100) 1, [100,500) 2, [500,1000] 5, more 10 (Binance's table). */
function futuresKlinesWeight(limit: number): number {
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

export const USDM: BinanceFlavour = {
  name: 'usdm',
  base: '/fapi/v1',
  defaultExchange: 'binance-usdm',
  spelling: concatenated('perp'),
  klinesMaxLimit: 1500,
  spot: false,
  weight: (route, limit) => ({ ping: 1, time: 1, exchangeInfo: 1, klines: futuresKlinesWeight(limit), aggTrades: 20, trades: 5 })[route],
  weightPerMinute: 2400,
};

export const SPOT: BinanceFlavour = {
  name: 'spot',
  base: '/api/v3',
  defaultExchange: 'binance-spot',
  spelling: concatenated('spot'),
  klinesMaxLimit: 1000,
  spot: true,
  weight: (route) => ({ ping: 1, time: 1, exchangeInfo: 20, klines: 2, aggTrades: 4, trades: 25 })[route],
  weightPerMinute: 6000,
};

export const COINM: BinanceFlavour = {
  name: 'coinm',
  base: '/dapi/v1',
  defaultExchange: 'binance-coinm',
  spelling: concatenated('perp'),
  klinesMaxLimit: 1500,
  spot: false,
  weight: (route) => (route === 'exchangeInfo' ? 1 : 1),
  weightPerMinute: 2400,
};

/** Binance's interval names are exgate's. */
export const BINANCE_INTERVALS: readonly IntervalId[] = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'];
