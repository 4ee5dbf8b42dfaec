import { UTC_CANDLES } from '@exgate/domain';
import { exchangeEnv } from '../common/env';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { DEFAULT_WS_BASE_URL, EXCHANGE_ID, INTERVALS, LIMITS, SPELLING, SYMBOL_PATTERN } from './constants';
import { completeCredentials, IntxFeed } from './feed';
import { parseFrame } from './mapper';
import { IntxRest } from './rest';

export const coinbaseIntxInfo: ExchangeInfo = {
  id: EXCHANGE_ID,
  aliases: ['intx', 'coinbaseinternational'],
  displayName: 'Coinbase International Exchange (INTX)',
  intervals: INTERVALS,
  tradeKind: 'trade',
  tradeKinds: ['trade'],
  symbolPattern: SYMBOL_PATTERN,
  spelling: SPELLING,
  // match_ids are snowflake-like (no continuity); there is no public trades endpoint at all.
  // A sequence gap or a disconnection marks the candles it touches gap_free: false.
  capabilities: { tradeIds: 'none', backfill: 'none', messageSequence: 'per-connection' },
  // UTC buckets opened by their first print (ONE_DAY starts at 00:00:00Z in seed 002's example).
  candlePolicy: UTC_CANDLES,
  limits: {
    // No trades endpoint: never called; 1 only keeps the limits positive.
    backfillPageSize: 1,
    klinesPerCall: LIMITS.candlesPerCall,
    recentTradesPerCall: 1,
  },
};

export const coinbaseIntx: ExchangeModule = {
  info: coinbaseIntxInfo,
  env: exchangeEnv({ prefix: 'COINBASE_INTX_', kinds: ['trade'], defaultKind: 'trade', credentials: ['apiKey', 'apiSecret', 'passphrase'] }),
  create(options): ExchangeAdapter {
    const credentials = completeCredentials(options.credentials);
    return {
      info: coinbaseIntxInfo,
      parseFrame: (raw, receivedAtMs) => parseFrame(raw, receivedAtMs),
      createFeed: (feed) => new IntxFeed({
        ...feed,
        wsBaseUrl: options.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
        credentials,
        clock: options.clock,
        logger: options.logger,
      }),
      rest: new IntxRest({
        clock: options.clock, logger: options.logger, baseUrl: options.restBaseUrl, timeoutMs: options.restTimeoutMs, canSubscribe: credentials !== null,
      }),
    };
  },
  loadSimulator: async () => (await import('./simulator')).intxSimulator,
};

export { IntxRest, type IntxRestOptions } from './rest';
export { IntxFeed, NO_CREDENTIALS } from './feed';
export { parseFrame as parseIntxFrame, isoMs } from './mapper';
export { intxProtocol, intxAnswer, type IntxCredentials } from './protocol';
export { subscriptionSignature } from './signature';
export { EXCHANGE_ID as COINBASE_INTX_ID } from './constants';
