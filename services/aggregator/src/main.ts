import type { IntervalId } from '@exgate/domain';
import { connectDistributedBus, openConfiguredStore, runService, storeReady } from '@exgate/platform';
import { countRedeliveries, createAggregator } from './aggregator';
import { aggregatorEnv } from './env';

runService('aggregator', aggregatorEnv, 'AGGREGATOR_', async ({ config, logger, metrics, clock }) => {
  const store = await openConfiguredStore(config);
  const bus = await connectDistributedBus(config, logger, 'aggregator');
  const aggregator = createAggregator({
    tradeLog: bus.tradeReader(config.AGGREGATOR_GROUP_ID, {
      sessionTimeoutMs: config.AGGREGATOR_SESSION_TIMEOUT_MS, onHandlerRetry: countRedeliveries(metrics),
    }),
    store, candleLog: bus.candleWriter(), events: bus.events, clock, logger, metrics,
    config: {
      intervals: config.AGGREGATOR_INTERVALS as IntervalId[],
      graceMs: config.AGGREGATOR_GRACE_MS,
      liveUpdates: config.AGGREGATOR_LIVE_UPDATES,
    },
    // Let the orchestrator restart us: the uncommitted batch is delivered again.
    onConsumptionStopped: () => {
      logger.fatal('trade consumption stopped for good; exiting so the batch is redelivered after a restart');
      logger.flush();
      setTimeout(() => process.exit(1), 100).unref();
    },
  });
  await aggregator.start();
  return {
    closers: [['aggregator', () => aggregator.stop()], ['bus', () => bus.close()], ['store', () => store.close()]],
    ready: async () => ({ store: await storeReady(store), nats: !bus.nats.isClosed(), consuming: aggregator.consuming }),
  };
});
