import { INTERVALS } from '@exgate/domain';
import type { BinanceMarket } from '../binance/market';

/**
 * Binance spot (binance/binance-spot-api-docs web-socket-streams.md, rest-api.md, CHANGELOG.md,
 * as summarised in ../shared/exchanges.md §3).
 */
export const SPOT: BinanceMarket = {
  exchange: 'binance-spot',
  name: 'Binance spot',
  type: 'spot',
  // The market-data-only host: no user data streams, the same trade streams.
  defaultWsBaseUrl: 'wss://data-stream.binance.vision',
  defaultRestBaseUrl: 'https://api.binance.com',
  restPrefix: '/api/v3',
  routeOfKind: null,
  symbolPattern: /^[A-Z0-9]{2,20}$/,
  // Spot has every interval, 1s included.
  intervals: INTERVALS,
  limits: {
    maxStreamsPerConnection: 1024,
    maxIncomingMessagesPerSecond: 5,
    connectionLifetimeMs: 24 * 60 * 60 * 1000,
    serverPingIntervalMs: 20 * 1000,
    maxKlinesPerCall: 1000,
    maxTradesPerCall: 1000,
    requestWeightPerMinute: 6000,
  },
  weights: { aggTrades: 4, trades: 25, historicalTrades: 25, exchangeInfo: 20, klines: () => 2 },
  historicalTradesNeedKey: false,
  printTypes: false,
};
