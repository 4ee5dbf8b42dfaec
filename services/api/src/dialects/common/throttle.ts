import type { Candle } from '@exgate/domain';

/**
 * Forming candles of one series sent at most once per `periodMs`: the newest waits, older ones are
 * dropped (also a waiting one of an earlier bucket: its closed state is on its way). A candle that
 * is done (closed or corrected) goes out at once, Binance's `x: true`. Paced on the monotonic
 * clock: this is transport, not market time.
 */
export class CandleThrottle {
  private pending: Candle | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly send: (candle: Candle) => void,
  ) {}

  push(candle: Candle): void {
    if (candle.state !== 'forming') {
      if (this.pending?.openTimeMs === candle.openTimeMs) this.pending = undefined;
      if (!this.pending) this.clearTimer();
      this.send(candle);
      return;
    }
    this.pending = candle;
    const waitMs = this.lastSentAt + this.periodMs - performance.now();
    if (waitMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), waitMs);
  }

  close(): void {
    this.clearTimer();
    this.pending = undefined;
  }

  private flush(): void {
    this.clearTimer();
    const c = this.pending;
    this.pending = undefined;
    if (c) this.emit(c);
  }

  private emit(candle: Candle): void {
    this.lastSentAt = performance.now();
    this.send(candle);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Prints of a stream sent on once each: a replayed batch repeats ids the client already has. */
export class SeenIds {
  private last = Number.NEGATIVE_INFINITY;

  fresh<T extends { readonly id: number }>(items: readonly T[]): T[] {
    const out = items.filter((t) => t.id > this.last);
    if (out.length > 0) this.last = out[out.length - 1]!.id;
    return out;
  }
}
