import type { Clock } from '@exgate/runtime';

export interface RateLimitOptions {
  /** Requests a client may fire at once. */
  readonly burst: number;
  /** Tokens refilled per second. */
  readonly perSecond: number;
  /** Buckets kept; beyond this the oldest-touched are forgotten (a forgotten client starts full). */
  readonly maxClients: number;
}

export type Admission = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** One token bucket per client key, in memory (per replica: a limit on load, not a quota). */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: Clock,
  ) {}

  take(key: string): Admission {
    const nowMs = this.clock.nowMs();
    const bucket = this.refilled(key, nowMs);
    // Re-insert so Map order is least-recently-touched first: eviction takes from the front.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evict();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.options.perSecond) * 1000) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, nowMs: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.options.burst, updatedMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (elapsedMs / 1000) * this.options.perSecond);
    bucket.updatedMs = nowMs;
    return bucket;
  }

  private evict(): void {
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.options.maxClients) return;
      this.buckets.delete(key);
    }
  }
}
