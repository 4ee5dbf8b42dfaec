import type { Clock } from '@exgate/runtime';

/**
 * Request weight used per client address in the current minute, as Binance reports it in
 * X-MBX-USED-WEIGHT-1M. Informational: exgate's own rate limit is what refuses (429 -1003).
 * Only the current minute is kept, so memory is bounded by the clients of one minute.
 */
export class WeightMeter {
  private minute = -1;
  private used = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  add(client: string, weight: number): number {
    const minute = Math.floor(this.clock.nowMs() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = new Map();
    }
    const total = (this.used.get(client) ?? 0) + weight;
    this.used.set(client, total);
    return total;
  }
}
