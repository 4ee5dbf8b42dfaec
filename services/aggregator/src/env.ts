import { z } from 'zod';
import { INTERVALS, isInterval } from '@exgate/domain';
import { env } from '@exgate/runtime';
import { commonEnv } from '@exgate/platform';

/** The aggregator's environment: the common block plus its AGGREGATOR_ settings. */
export const aggregatorEnv = commonEnv.extend({
  AGGREGATOR_GROUP_ID: z.string().default('exgate-aggregator'),
  AGGREGATOR_GRACE_MS: env.int(5_000),
  AGGREGATOR_INTERVALS: env.list(INTERVALS.join(',')).refine((l) => l.every(isInterval), 'one of 1s … 1M'),
  AGGREGATOR_LIVE_UPDATES: env.bool(true),
  /**
   * How long after a replica stops heartbeating (SIGKILL, a frozen node) Kafka gives its partitions
   * to the others. Brokers refuse values outside group.min/max.session.timeout.ms (6 s … 30 min by
   * default); past 5 min a dead replica's streams would stall longer than anyone wants.
   */
  AGGREGATOR_SESSION_TIMEOUT_MS: env.int(30_000, 6_000, 300_000),
});

export type AggregatorEnv = z.infer<typeof aggregatorEnv>;
