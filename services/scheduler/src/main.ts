import os from 'node:os';
import { z } from 'zod';
import { buckets } from '@exgate/bus';
import { env } from '@exgate/runtime';
import { commonEnv, connectDistributedBus, namespaced, runService } from '@exgate/platform';
import { NatsKvLeadership } from './nats-leadership';
import { createScheduler } from './scheduler';

const schema = commonEnv.extend({
  SCHEDULER_POLL_MS: env.int(250, 10),
  /** A dead leader is replaced within this long. */
  SCHEDULER_LEASE_MS: env.int(10_000, 1_000),
  SCHEDULER_REPLICA_ID: z.string().default(os.hostname()),
});

runService('scheduler', schema, 'SCHEDULER_', async ({ config, logger, metrics, clock }) => {
  const bus = await connectDistributedBus(config, logger, 'scheduler', { kafka: false });
  const leadership = await NatsKvLeadership.open(bus.nats, {
    bucket: namespaced(config.EXGATE_NAMESPACE).bucket('exgate_scheduler_lease'), leaseMs: config.SCHEDULER_LEASE_MS, replicaId: config.SCHEDULER_REPLICA_ID, logger,
  });
  const scheduler = createScheduler({
    schedules: await bus.kv(buckets.schedules), events: bus.events, leadership, clock, logger, metrics,
    pollIntervalMs: config.SCHEDULER_POLL_MS,
  });
  await scheduler.start();
  return {
    closers: [['scheduler', () => scheduler.stop()], ['bus', () => bus.close()]],
    ready: async () => ({ nats: !bus.nats.isClosed() }),
  };
});
