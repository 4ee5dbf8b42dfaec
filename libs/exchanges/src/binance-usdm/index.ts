import { BINANCE_CANDLES } from '@exgate/domain';
import { ExchangeFeed } from '../common/feed';
import { exchangeEnv } from '../common/env';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { ALIASES, DEFAULT_WS_BASE_URL, EXCHANGE_ID, FUTURES_INTERVALS, LIMITS, SYMBOL_PATTERN } from './constants';
import { parseFrame } from './mapper';
import { binanceUsdmProtocol } from './protocol';
import { BinanceUsdmRest } from './rest';
import { binanceUsdmSimulator } from './simulator';

export const binanceUsdmInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: ALIASES,
  displayName: 'Binance USDⓈ-M Futures',
  intervals: FUTURES_INTERVALS,
  tradeKind: 'aggTrade',
  tradeKinds: ['aggTrade', 'trade'],
  symbolPattern: SYMBOL_PATTERN,
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' },
  candlePolicy: BINANCE_CANDLES,
  limits: { backfillPageSize: LIMITS.maxTradesPerCall, klinesPerCall: LIMITS.maxKlinesPerCall, recentTradesPerCall: LIMITS.maxTradesPerCall },
};

export const binanceUsdm: ExchangeModule = {
  info: binanceUsdmInfo,
  // aggTrade by default: it backfills without a key; raw trades need BINANCE_USDM_API_KEY.
  env: exchangeEnv({ prefix: 'BINANCE_USDM_', kinds: ['aggTrade', 'trade'], defaultKind: 'aggTrade', credentials: ['apiKey'] }),
  create(options): ExchangeAdapter {
    const tradeKind = options.tradeKind ?? binanceUsdmInfo.tradeKind;
    const info = { ...binanceUsdmInfo, tradeKind };
    return {
      info,
      parseFrame,
      createFeed: (feed) => new ExchangeFeed({
        ...feed,
        protocol: binanceUsdmProtocol,
        kind: feed.kind ?? tradeKind,
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
        symbolPattern: SYMBOL_PATTERN,
        dedupeBy: 'id',
        clock: options.clock,
        logger: options.logger,
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
  simulator: binanceUsdmSimulator,
};

export { BinanceUsdmRest, type BinanceRestOptions } from './rest';
export { parseFrame, parseKlineFrame, type KlineFrameResult } from './mapper';
export { binanceUsdmProtocol } from './protocol';
export { EXCHANGE_ID as BINANCE_USDM_ID, ROUTE_OF_KIND, LIMITS as BINANCE_USDM_LIMITS } from './constants';
