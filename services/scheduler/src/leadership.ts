/**
 * One scheduler replica emits ticks at a time. Replicas race for a lease; the holder renews it,
 * and when it dies the lease expires and another replica takes over.
 */
export interface Leadership {
  /** Tries to take or renew the lease; true while this replica leads. */
  check(nowMs: number): Promise<boolean>;
  /** Gives the lease up at once so a successor needn't wait for it to expire. */
  release(): Promise<void>;
}

/** The embedded mode has one scheduler, which always leads. */
export const soleLeader: Leadership = {
  check: () => Promise.resolve(true),
  release: () => Promise.resolve(),
};
