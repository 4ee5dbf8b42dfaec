import type { Clock } from '@exgate/runtime';

/** Slow down this far below the limit: other processes on the same IP use the budget too. */
const HEADROOM = 0.9;
/** Past the window's end before sending again (clock skew between us and Binance). */
const WINDOW_MARGIN_MS = 250;

/**
 * Binance's request weight per IP and window. The exchange reports what we used
 * (X-MBX-USED-WEIGHT-1M); between answers we add what we sent. When the next request would pass
 * the headroom, it waits for the next window instead of collecting a 429.
 */
export class WeightBudget {
  private windowIndex = -1;
  private usedInWindow = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  get used(): number {
    this.roll();
    return this.usedInWindow;
  }

  async reserve(weight: number): Promise<void> {
    for (;;) {
      this.roll();
      if (this.usedInWindow + weight <= this.limit * HEADROOM || this.usedInWindow === 0) break;
      const waitMs = (this.windowIndex + 1) * this.windowMs - this.clock.nowMs() + WINDOW_MARGIN_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    }
    this.usedInWindow += weight;
  }

  /** The exchange counts every client behind our IP; we count requests it has not answered yet. */
  observe(header: string | null): void {
    if (header === null || !/^\d+$/.test(header)) return;
    this.roll();
    this.usedInWindow = Math.max(this.usedInWindow, Number.parseInt(header, 10));
  }

  private roll(): void {
    const index = Math.floor(this.clock.nowMs() / this.windowMs);
    if (index === this.windowIndex) return;
    this.windowIndex = index;
    this.usedInWindow = 0;
  }
}
