import { binanceUsdm } from './binance-usdm';
import type { ExchangeModule } from './types';

/** Every exchange exgate can collect from. Adding one: its folder, one line here, docs/adr/0003. */
export const EXCHANGES: readonly ExchangeModule[] = [binanceUsdm];

/** By canonical id or alias, case-insensitive (`fbinance` → binance-usdm); undefined when unknown. */
export function resolveExchange(nameOrAlias: string, modules: readonly ExchangeModule[] = EXCHANGES): ExchangeModule | undefined {
  const name = nameOrAlias.trim().toLowerCase();
  return modules.find((m) => m.info.id === name || m.info.aliases.includes(name));
}
