import { requireExchange, type ExchangeAdapter, type ExchangeSettings } from '@exgate/exchanges';
import type { Clock, Logger } from '@exgate/runtime';
import type { CommonEnv } from './env';

/**
 * The enabled exchanges' adapters, each configured from its own variables; `overrides` point one
 * at a simulator (replay, tests).
 */
export function createAdapters(
  config: Pick<CommonEnv, 'EXGATE_EXCHANGES'> & Readonly<Record<string, unknown>>,
  clock: Clock,
  logger: Logger,
  overrides: Readonly<Record<string, ExchangeSettings>> = {},
): Map<string, ExchangeAdapter> {
  const adapters = new Map<string, ExchangeAdapter>();
  for (const name of config.EXGATE_EXCHANGES) {
    const module = requireExchange(name);
    const id = module.info.id;
    adapters.set(id, module.create({ clock, logger: logger.child({ exchange: id }), ...module.env.settings(config), ...overrides[id] }));
  }
  return adapters;
}
