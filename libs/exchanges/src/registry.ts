import { ExgateError } from '@exgate/errors';
import { binanceSpot } from './binance-spot';
import { binanceUsdm } from './binance-usdm';
import { bybit } from './bybit';
import { coinbaseIntx } from './coinbase-intx';
import { hotbit } from './hotbit';
import { okx } from './okx';
import type { ExchangeModule } from './types';

/**
 * Every exchange exgate can collect from, and the only place that names them: services, config and
 * the embedded mode loop over this list. Adding an exchange is its folder and one line here.
 */
export const EXCHANGES: readonly ExchangeModule[] = [
  binanceUsdm,
  binanceSpot,
  hotbit,
  bybit,
  coinbaseIntx,
  okx,
];

/** By canonical id or alias, case-insensitive (`fbinance` → binance-usdm); undefined when unknown. */
export function resolveExchange(nameOrAlias: string, modules: readonly ExchangeModule[] = EXCHANGES): ExchangeModule | undefined {
  const name = nameOrAlias.trim().toLowerCase();
  return modules.find((m) => m.info.id === name || m.info.aliases.includes(name));
}

/** resolveExchange, for names that come from config or code: unknown is a configuration error. */
export function requireExchange(nameOrAlias: string): ExchangeModule {
  const module = resolveExchange(nameOrAlias);
  if (module) return module;
  const known = EXCHANGES.map((m) => m.info.id).join(', ');
  throw new ExgateError('CONFIG_INVALID', `unknown exchange "${nameOrAlias.slice(0, 40)}"; known: ${known}`);
}
