import { ManualClock } from '@exgate/runtime';
import { TokenBucketLimiter } from './rate-limit';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then one request per refill period, and says how long to wait', () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketLimiter({ burst: 2, perSecond: 4, maxClients: 10 }, clock);
    expect([limiter.take('a'), limiter.take('a')]).toEqual([{ allowed: true }, { allowed: true }]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 250 });
    clock.advance(100);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 150 });
    clock.advance(150);
    expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('never refills beyond the burst however long the client was away', () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketLimiter({ burst: 2, perSecond: 100, maxClients: 10 }, clock);
    limiter.take('a');
    clock.advance(3_600_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a').allowed]).toEqual([{ allowed: true }, { allowed: true }, false]);
  });

  it('forgets the least recently seen clients beyond maxClients (memory stays bounded)', () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketLimiter({ burst: 1, perSecond: 0.001, maxClients: 2 }, clock);
    limiter.take('a');
    limiter.take('b');
    limiter.take('a');
    limiter.take('c');
    expect(limiter.size).toBe(2);
    // b was evicted and starts full again; a is still remembered as empty.
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});
