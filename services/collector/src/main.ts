import { buckets } from '@exgate/bus';
import { loadSocketLibrary } from '@exgate/exchanges';
import { env } from '@exgate/runtime';
import { commonEnv, connectDistributedBus, createAdapters, runService } from '@exgate/platform';
import { kvCheckpoints } from './checkpoints';
import { createCollector } from './collector';

const schema = commonEnv.extend({
  COLLECTOR_FLUSH_MS: env.int(100, 1),
  COLLECTOR_MAX_BUFFERED: env.int(200_000, 1000),
  COLLECTOR_LATENCY_ALLOWANCE_MS: env.int(2_000),
  COLLECTOR_CHECKPOINT_MS: env.int(1_000),
});

runService('collector', schema, 'COLLECTOR_', async ({ config, logger, metrics, clock }) => {
  const bus = await connectDistributedBus(config, logger, 'collector');
  loadSocketLibrary(); // now, not with the first subscription (socket.ts)
  const collector = createCollector({
    exchanges: createAdapters(config, clock, logger),
    tradeLog: bus.tradeWriter(),
    subscriptions: await bus.kv(buckets.subscriptions),
    checkpoints: kvCheckpoints(await bus.kv('exgate_collector_checkpoints')),
    clock, logger, metrics,
    config: {
      flushIntervalMs: config.COLLECTOR_FLUSH_MS,
      maxBufferedPerStream: config.COLLECTOR_MAX_BUFFERED,
      latencyAllowanceMs: config.COLLECTOR_LATENCY_ALLOWANCE_MS,
      checkpointIntervalMs: config.COLLECTOR_CHECKPOINT_MS,
    },
  });
  await collector.start();
  return {
    closers: [['collector', () => collector.stop()], ['bus', () => bus.close()]],
    ready: async () => ({ nats: !bus.nats.isClosed() }),
  };
});
