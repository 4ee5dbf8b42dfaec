import { ExgateError } from '@exgate/errors';
import { resolveExchange, type ExchangeAdapter } from '@exgate/exchanges';
import type { Clock, Logger } from '@exgate/runtime';
import type { CommonEnv } from './env';

export interface ExchangeOverrides {
  readonly wsBaseUrl?: string;
  readonly restBaseUrl?: string;
}

/** The enabled exchanges' adapters; `overrides` point one at a simulator (replay, tests). */
export function createAdapters(
  config: Pick<CommonEnv, 'EXGATE_EXCHANGES' | 'BINANCE_USDM_WS_URL' | 'BINANCE_USDM_REST_URL' | 'BINANCE_USDM_STREAM' | 'BINANCE_USDM_API_KEY'>,
  clock: Clock,
  logger: Logger,
  overrides: Readonly<Record<string, ExchangeOverrides>> = {},
): Map<string, ExchangeAdapter> {
  const adapters = new Map<string, ExchangeAdapter>();
  for (const name of config.EXGATE_EXCHANGES) {
    const module = resolveExchange(name);
    if (!module) throw new ExgateError('CONFIG_INVALID', `EXGATE_EXCHANGES: unknown exchange ${name}`);
    const id = module.info.id;
    const own = id === 'binance-usdm'
      ? {
          wsBaseUrl: config.BINANCE_USDM_WS_URL, restBaseUrl: config.BINANCE_USDM_REST_URL,
          tradeKind: config.BINANCE_USDM_STREAM,
          credentials: config.BINANCE_USDM_API_KEY ? { apiKey: config.BINANCE_USDM_API_KEY } : undefined,
        }
      : {};
    const o = { ...own, ...overrides[id] };
    adapters.set(id, module.create({
      clock, logger: logger.child({ exchange: id }),
      ...(o.wsBaseUrl ? { wsBaseUrl: o.wsBaseUrl } : {}),
      ...(o.restBaseUrl ? { restBaseUrl: o.restBaseUrl } : {}),
      ...('tradeKind' in o && o.tradeKind ? { tradeKind: o.tradeKind } : {}),
      ...('credentials' in o && o.credentials ? { credentials: o.credentials } : {}),
    }));
  }
  return adapters;
}
