import { ExchangeFeed } from '../common/feed';
import { exchangeEnv } from '../common/env';
import { concatenated } from '../common/symbols';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { DEFAULT_WS_BASE_URL, EXCHANGE_ID, HOTBIT_CANDLES, HOTBIT_INTERVALS, LIMITS, SYMBOL_PATTERN } from './constants';
import { parseFrame } from './mapper';
import { hotbitProtocol } from './protocol';
import { HotbitRest } from './rest';

/**
 * HotBit (spot), defunct since 2023-05-22: exgate speaks its documented protocol (ViaBTC's) and
 * runs against the local simulator. Deal ids come from one counter across all markets, so they
 * only grow (holes are normal); REST serves only the newest deals, so a disconnection becomes a
 * declared gap. See docs/exchanges/hotbit.md.
 */
export const hotbitInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: [],
  displayName: 'HotBit (defunct; simulated)',
  intervals: HOTBIT_INTERVALS,
  tradeKind: 'trade',
  tradeKinds: ['trade'],
  symbolPattern: SYMBOL_PATTERN,
  spelling: concatenated('spot'),
  capabilities: { tradeIds: 'increasing', backfill: 'newest-only' },
  candlePolicy: HOTBIT_CANDLES,
  limits: { backfillPageSize: LIMITS.maxDealsPerCall, klinesPerCall: LIMITS.klinesPerCall, recentTradesPerCall: LIMITS.maxDealsPerCall },
};

export const hotbit: ExchangeModule = {
  info: hotbitInfo,
  env: exchangeEnv({ prefix: 'HOTBIT_', kinds: ['trade'], defaultKind: 'trade', credentials: [] }),
  create(options): ExchangeAdapter {
    return {
      info: hotbitInfo,
      parseFrame,
      createFeed: (feed) => new ExchangeFeed({
        ...feed,
        protocol: hotbitProtocol,
        kind: 'trade',
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
        symbolPattern: SYMBOL_PATTERN,
        // Ids only grow per market: the first push after every (re)subscribe repeats up to 100 deals.
        dedupeBy: 'id',
        clock: options.clock,
        logger: options.logger,
      }),
      rest: new HotbitRest({ clock: options.clock, logger: options.logger, baseUrl: options.restBaseUrl, timeoutMs: options.restTimeoutMs }),
    };
  },
  loadSimulator: async () => (await import('./simulator')).hotbitSimulator,
};

export { HotbitRest, type HotbitRestOptions } from './rest';
export { parseFrame as parseHotbitFrame, tradesFromDeals } from './mapper';
export { hotbitProtocol, hotbitAnswer } from './protocol';
export { LIMITS as HOTBIT_LIMITS, EXCHANGE_ID as HOTBIT_ID } from './constants';
