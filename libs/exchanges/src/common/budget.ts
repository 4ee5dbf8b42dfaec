import type { Clock } from '@exgate/runtime';

/** Slow down this far below the limit: other processes behind the same IP count too. */
const HEADROOM = 0.9;

/**
 * An exchange's HTTP limit per IP: so many requests in a rolling window (Bybit 600 in 5 s, OKX's
 * history-trades 20 in 2 s). A request that would pass the headroom waits until the oldest one
 * leaves the window, instead of earning a refusal (Bybit: a 403 and a ban of ten minutes).
 */
export class RequestBudget {
  private readonly sentAtMs: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  async reserve(): Promise<void> {
    for (;;) {
      const now = this.clock.nowMs();
      while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - this.windowMs) this.sentAtMs.shift();
      if (this.sentAtMs.length < Math.max(1, Math.floor(this.limit * HEADROOM))) break;
      await new Promise((resolve) => setTimeout(resolve, this.sentAtMs[0]! + this.windowMs - now));
    }
    this.sentAtMs.push(this.clock.nowMs());
  }

  /** Requests in the current window. */
  get used(): number {
    const now = this.clock.nowMs();
    return this.sentAtMs.filter((t) => t > now - this.windowMs).length;
  }
}
