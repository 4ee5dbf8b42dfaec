import type { CandlePolicy, TradeKind } from '@exgate/domain';
import { ExchangeFeed } from '../common/feed';
import { exchangeEnv } from '../common/env';
import { concatenated } from '../common/symbols';
import type { ExchangeAdapter, ExchangeInfo, ExchangeModule } from '../types';
import { createParseFrame } from './mapper';
import type { BinanceMarket } from './market';
import { binanceProtocol } from './protocol';
import { BinanceRest } from './rest';

export interface BinanceModuleOptions {
  readonly aliases: readonly string[];
  readonly displayName: string;
  readonly envPrefix: string;
  readonly defaultKind: TradeKind;
  readonly candlePolicy: CandlePolicy;
}

/** A Binance market as an exgate exchange module: ids contiguous per symbol, history by id. */
export function binanceModule(market: BinanceMarket, o: BinanceModuleOptions): ExchangeModule {
  const info: ExchangeInfo = {
    id: market.exchange,
    aliases: o.aliases,
    displayName: o.displayName,
    intervals: market.intervals,
    tradeKind: o.defaultKind,
    tradeKinds: ['aggTrade', 'trade'],
    symbolPattern: market.symbolPattern,
    spelling: concatenated(market.type === 'futures' ? 'perp' : 'spot'),
    capabilities: { tradeIds: 'contiguous', backfill: 'by-id' },
    candlePolicy: o.candlePolicy,
    limits: {
      backfillPageSize: market.limits.maxTradesPerCall,
      klinesPerCall: market.limits.maxKlinesPerCall,
      recentTradesPerCall: market.limits.maxTradesPerCall,
    },
  };
  const protocol = binanceProtocol(market);
  const parseFrame = createParseFrame(market);
  return {
    info,
    env: exchangeEnv({
      prefix: o.envPrefix, kinds: ['aggTrade', 'trade'], defaultKind: o.defaultKind,
      credentials: market.historicalTradesNeedKey ? ['apiKey'] : [],
    }),
    create(options): ExchangeAdapter {
      const tradeKind = options.tradeKind ?? o.defaultKind;
      return {
        info: { ...info, tradeKind },
        parseFrame,
        createFeed: (feed) => new ExchangeFeed({
          ...feed,
          protocol,
          kind: feed.kind ?? tradeKind,
          wsBaseUrl: options.wsBaseUrl ?? market.defaultWsBaseUrl,
          symbolPattern: market.symbolPattern,
          dedupeBy: 'id',
          clock: options.clock,
          logger: options.logger,
        }),
        rest: new BinanceRest({
          market,
          clock: options.clock,
          logger: options.logger,
          baseUrl: options.restBaseUrl,
          timeoutMs: options.restTimeoutMs,
          tradeKind,
          apiKey: options.credentials?.apiKey,
        }),
      };
    },
    loadSimulator: async () => (await import('./simulator')).binanceSimulatorModule(market),
  };
}
