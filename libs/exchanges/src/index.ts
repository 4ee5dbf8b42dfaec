export * from './types';
export { EXCHANGES, resolveExchange } from './registry';
export {
  binanceUsdm, binanceUsdmInfo, BinanceUsdmFeed, BinanceUsdmRest, parseKlineFrame,
  BINANCE_USDM_ID, BINANCE_USDM_LIMITS, ROUTE_OF_KIND,
  type BinanceFeedOptions, type BinanceRestOptions, type KlineFrameResult,
} from './binance-usdm';
export { isPlainDecimal, isPositiveDecimal } from './common/decimal';
