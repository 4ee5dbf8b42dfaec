import { buckets } from '@exgate/bus';
import { commonEnv, connectDistributedBus, createAdapters, openConfiguredStore, runService, storeReady } from '@exgate/platform';
import { createApi } from './app';
import { apiConfigFromEnv, apiEnv } from './env';
import { createApiDeps } from './use-cases';

const schema = commonEnv.extend(apiEnv.shape);

runService('api', schema, 'API_', async ({ config, logger, metrics, clock }) => {
  const store = await openConfiguredStore(config);
  const bus = await connectDistributedBus(config, logger, 'api', { kafka: false });
  const adapters = createAdapters(config, clock, logger);
  const deps = createApiDeps({
    store, adapters, events: bus.events, clock, logger, metrics,
    subscriptions: await bus.kv(buckets.subscriptions),
    schedules: await bus.kv(buckets.schedules),
    kindOf: (exchange) => adapters.get(exchange)!.info.tradeKind,
    ready: async () => ({ store: await storeReady(store), nats: !bus.nats.isClosed() }),
  });
  const app = await createApi(deps, apiConfigFromEnv(config));
  await app.listen({ port: config.API_PORT, host: config.API_HOST });
  return {
    // The API drains in-flight requests before the connections they use go away.
    closers: [['api', () => app.close()], ['bus', () => bus.close()], ['store', () => store.close()]],
    ready: async () => (await deps.health.ready()).checks,
  };
});
