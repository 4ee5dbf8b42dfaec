import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { ALIASES, DEFAULT_WS_BASE_URL, EXCHANGE_ID, FUTURES_INTERVALS, SYMBOL_PATTERN } from './constants';
import { BinanceUsdmFeed } from './feed';
import { parseFrame } from './mapper';
import { BinanceUsdmRest } from './rest';

export const binanceUsdmInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: ALIASES,
  displayName: 'Binance USDⓈ-M Futures',
  intervals: FUTURES_INTERVALS,
  tradeKind: 'aggTrade',
  symbolPattern: SYMBOL_PATTERN,
  tradeIds: 'contiguous',
};

export const binanceUsdm: ExchangeModule = {
  info: binanceUsdmInfo,
  create(options): ExchangeAdapter {
    const tradeKind = options.tradeKind ?? binanceUsdmInfo.tradeKind;
    const info = { ...binanceUsdmInfo, tradeKind };
    return {
      info,
      parseFrame,
      createFeed: (feed) => new BinanceUsdmFeed({
        ...feed,
        kind: feed.kind ?? tradeKind,
        clock: options.clock,
        logger: options.logger,
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
      }),
      rest: new BinanceUsdmRest({
        clock: options.clock,
        logger: options.logger,
        baseUrl: options.restBaseUrl,
        timeoutMs: options.restTimeoutMs,
        tradeKind,
        apiKey: options.credentials?.apiKey,
      }),
    };
  },
};

export { BinanceUsdmFeed, type BinanceFeedOptions } from './feed';
export { BinanceUsdmRest, type BinanceRestOptions } from './rest';
export { parseFrame, parseKlineFrame, type KlineFrameResult } from './mapper';
export { EXCHANGE_ID as BINANCE_USDM_ID, ROUTE_OF_KIND, LIMITS as BINANCE_USDM_LIMITS } from './constants';
