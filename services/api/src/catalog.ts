import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { INTERVALS } from '@exgate/domain';
import type { ApiDeps } from './deps';
import { apiSchemas } from './schemas';

/**
 * What this exgate collects: each enabled exchange with its intervals and the symbols pulled on it.
 * The chart page fills its pickers from it. Not one of the contract's eight routes (ADR 0014): a
 * single segment under /v1, so it cannot collide with `/v1/{exchange}/…`.
 */
export const CATALOG_PATH = '/v1/exchanges';
export const CATALOG_SUMMARY = 'The exchanges this exgate serves, with their intervals and the symbols pulled on each.';

export const catalogExchangeSchema = z
  .object({
    id: z.string().meta({ description: 'Canonical exchange id, as the routes take it.', example: 'binance-usdm' }),
    aliases: z.array(z.string()).meta({ description: 'Other names the routes accept.' }),
    name: z.string().meta({ description: 'For people.', example: 'Binance USDⓈ-M futures' }),
    intervals: z.array(z.enum(INTERVALS)).meta({ description: "The exchange's kline intervals, shortest first." }),
    symbols: z.array(z.string()).meta({ description: 'Symbols pulled now (pull/stop change it), sorted.' }),
  })
  .register(apiSchemas, { id: 'exgateExchange' });

export const catalogResponse = z
  .object({ exchanges: z.array(catalogExchangeSchema) })
  .register(apiSchemas, { id: 'exgateExchangesResponse' });

export type CatalogJson = z.infer<typeof catalogResponse>;

/** The enabled exchanges and the symbols pulled on them; pulls of an exchange not enabled here are left out. */
export async function catalog(deps: Pick<ApiDeps, 'exchanges' | 'subscriptions'>): Promise<CatalogJson> {
  const pulled = await deps.subscriptions.list();
  return {
    exchanges: deps.exchanges.list().map((e) => ({
      id: e.id,
      aliases: [...e.aliases],
      name: e.displayName,
      intervals: [...e.intervals],
      symbols: [...new Set(pulled.filter((p) => p.exchange === e.id).map((p) => p.symbol))].sort(),
    })),
  };
}

export function registerCatalogRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get(CATALOG_PATH, async () => catalog(deps));
}
