import type { IntervalId } from '@exgate/domain';
import type { BinanceMarket } from '../binance/market';

export const EXCHANGE_ID = 'binance-usdm';
/** What the original service called it. */
export const ALIASES = ['fbinance'] as const;

/** Futures klines have no 1s. */
export const FUTURES_INTERVALS: readonly IntervalId[] = [
  '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M',
];

/** Binance USDⓈ-M futures: connection facts from DESIGN §4 and Binance's docs. */
export const USDM: BinanceMarket = {
  exchange: EXCHANGE_ID,
  name: 'Binance USDⓈ-M',
  type: 'futures',
  defaultWsBaseUrl: 'wss://fstream.binance.com',
  defaultRestBaseUrl: 'https://fapi.binance.com',
  restPrefix: '/fapi/v1',
  // Mapping as in ccxt 4.5 (`getFutureWsCategory`).
  routeOfKind: { aggTrade: 'market', trade: 'public' },
  // Upper-case ASCII, digits, `_` for dated contracts (BTCUSDT_240927).
  symbolPattern: /^[A-Z0-9_]{2,32}$/,
  intervals: FUTURES_INTERVALS,
  limits: {
    maxStreamsPerConnection: 200,
    maxIncomingMessagesPerSecond: 10,
    connectionLifetimeMs: 24 * 60 * 60 * 1000,
    serverPingIntervalMs: 3 * 60 * 1000,
    maxKlinesPerCall: 1500,
    maxTradesPerCall: 1000,
    requestWeightPerMinute: 2400,
  },
  weights: {
    aggTrades: 20, trades: 5, historicalTrades: 20, exchangeInfo: 1,
    klines: (limit) => (limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10),
  },
  historicalTradesNeedKey: true,
  printTypes: true,
};

export const SYMBOL_PATTERN = USDM.symbolPattern;
export const LIMITS = USDM.limits;
