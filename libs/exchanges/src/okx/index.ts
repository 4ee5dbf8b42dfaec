import { exchangeEnv } from '../common/env';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { DEFAULT_WS_BASE_URL, EXCHANGE_ID, INTERVALS, LIMITS, OKX_CANDLES, SPELLING, SYMBOL_PATTERN } from './constants';
import { OkxFeed } from './feed';
import { parseFrame } from './mapper';
import { OkxRest } from './rest';

export const okxInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: [],
  displayName: 'OKX (spot and linear swaps)',
  intervals: INTERVALS,
  // `trades-all`: one print per fill, its own tradeId. `trades` (aggregates) is read, not collected.
  tradeKind: 'trade',
  tradeKinds: ['trade'],
  symbolPattern: SYMBOL_PATTERN,
  spelling: SPELLING,
  // Contiguous per listing; a relisting restarts at 1 in a new epoch above the old (ADR 0017).
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' },
  // Days, weeks and months on UTC+8 (OKX's default bars), buckets open at their first print.
  candlePolicy: OKX_CANDLES,
  limits: {
    backfillPageSize: LIMITS.historyTradesPerCall,
    klinesPerCall: LIMITS.klinesPerQuery,
    recentTradesPerCall: LIMITS.recentTradesPerCall,
  },
};

export const okx: ExchangeModule = {
  info: okxInfo,
  env: exchangeEnv({ prefix: 'OKX_', kinds: ['trade'], defaultKind: 'trade', credentials: [] }),
  create(options): ExchangeAdapter {
    const rest = new OkxRest({ clock: options.clock, logger: options.logger, baseUrl: options.restBaseUrl, timeoutMs: options.restTimeoutMs });
    return {
      info: okxInfo,
      // Recorded frames: listings known to this adapter's REST (none until it loaded them).
      parseFrame: (raw, receivedAtMs) => parseFrame(raw, receivedAtMs, (instId) => rest.cachedListing(instId)),
      createFeed: (feed) => new OkxFeed({
        ...feed,
        kind: 'trade',
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
        clock: options.clock,
        logger: options.logger,
        rest,
      }),
      rest,
    };
  },
  loadSimulator: async () => (await import('./simulator')).okxSimulator,
};

export { OkxRest, type OkxRestOptions } from './rest';
export { OkxFeed } from './feed';
export { parseFrame as parseOkxFrame, countsInCandles as okxCountsInCandles } from './mapper';
export { okxProtocol, okxAnswer } from './protocol';
export { EPOCH_SPAN as OKX_EPOCH_SPAN, epochOf as okxEpochOf, idOf as okxIdOf, splitId as okxSplitId } from './listing';
export { EXCHANGE_ID as OKX_ID, LIMITS as OKX_LIMITS } from './constants';
