import { UTC_CANDLES } from '@exgate/domain';
import { exchangeEnv } from '../common/env';
import { concatenated, eitherSpelling } from '../common/symbols';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { DEFAULT_WS_BASE_URL, EXCHANGE_ID, INTERVALS, LIMITS, SPOT_SUFFIX, SYMBOL_PATTERN } from './constants';
import { BybitFeed } from './feed';
import { parseFrame } from './mapper';
import { BybitRest } from './rest';

export const bybitInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: [],
  displayName: 'Bybit (linear and spot)',
  intervals: INTERVALS,
  tradeKind: 'trade',
  tradeKinds: ['trade'],
  symbolPattern: SYMBOL_PATTERN,
  // BTCUSDT is the linear contract, BTCUSDT-SPOT the spot pair (constants.ts).
  spelling: eitherSpelling({ spot: concatenated('spot', SPOT_SUFFIX), perp: concatenated('perp') }),
  // UUIDs (linear) and 19-digit ids (spot) carry no order; recent-trade has no cursor.
  capabilities: { tradeIds: 'none', backfill: 'newest-only' },
  // UTC days, buckets open at their first print (daily rows at 00:00 UTC in a captured response).
  candlePolicy: UTC_CANDLES,
  limits: {
    backfillPageSize: LIMITS.recentTradesPerCall.linear,
    klinesPerCall: LIMITS.klinesPerCall,
    recentTradesPerCall: LIMITS.recentTradesPerCall.linear,
  },
};

export const bybit: ExchangeModule = {
  info: bybitInfo,
  env: exchangeEnv({ prefix: 'BYBIT_', kinds: ['trade'], defaultKind: 'trade', credentials: [] }),
  create(options): ExchangeAdapter {
    return {
      info: bybitInfo,
      parseFrame: (raw, receivedAtMs) => parseFrame(raw, receivedAtMs),
      createFeed: (feed) => new BybitFeed({
        ...feed,
        kind: 'trade',
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
        clock: options.clock,
        logger: options.logger,
      }),
      rest: new BybitRest({ clock: options.clock, logger: options.logger, baseUrl: options.restBaseUrl, timeoutMs: options.restTimeoutMs }),
    };
  },
  loadSimulator: async () => (await import('./simulator')).bybitSimulator,
};

export { BybitRest, type BybitRestOptions } from './rest';
export { BybitFeed } from './feed';
export { parseFrame as parseBybitFrame, countsInCandles } from './mapper';
export { bybitProtocol } from './protocol';
export { EXCHANGE_ID as BYBIT_ID, categoryOf, wireSymbol, exgateSymbol, type Category } from './constants';
