import type { Trade } from '@exgate/domain';
import type { FeedEvents, FeedStatus, FrameRejection } from '../types';

/**
 * Test support: records what a feed reports and lets a test await a condition on it (resolved by
 * the event that makes it true, never by a sleep).
 */
export class FeedProbe implements FeedEvents {
  readonly trades: Trade[] = [];
  readonly statuses: FeedStatus[] = [];
  readonly rejections: FrameRejection[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  onTrades(trades: readonly Trade[]): void {
    this.trades.push(...trades);
    this.poke();
  }

  onStatus(status: FeedStatus): void {
    this.statuses.push(status);
    this.poke();
  }

  onRejected(rejection: FrameRejection): void {
    this.rejections.push(rejection);
    this.poke();
  }

  ids(symbol: string): number[] {
    return this.trades.filter((t) => t.symbol === symbol).map((t) => t.id);
  }

  count(state: FeedStatus['state']): number {
    return this.statuses.filter((s) => s.state === state).length;
  }

  /** Resolves once `check()` holds; fails with `what` after `timeoutMs`. */
  until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; statuses: ${JSON.stringify(this.statuses.slice(-5))}`));
      }, timeoutMs);
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private poke(): void {
    for (const w of [...this.waiters]) {
      if (!w.check()) continue;
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve();
    }
  }
}
