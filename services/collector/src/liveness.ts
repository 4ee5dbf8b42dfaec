import type { Trade } from '@exgate/domain';

/**
 * How far one stream is known complete, on the exchange's clock. A stream vouches for time only
 * while its connection is up and it has seen a live print since that connection came up, and
 * only as far as the connection has proved itself: the newest frame's event time, moved on by
 * the time until the last proof of life we read (a later frame or a pong: the exchange sent
 * everything before it), less an allowance for frames still on the way. Never on to "now": a
 * connection that died without a word must not vouch for the time it was dead. Per stream, so a
 * lagging connection cannot let another stream's clock close its buckets.
 */
export class Liveness {
  private connected = false;
  private live = false;
  private lastEventMs = 0;
  /** The newest print's own time (the exchange's trade time, what a gap's range is in): a lost print is at or after it. */
  private lastPrintMs = 0;
  private lastReceivedMs = 0;
  /** When the connection last proved itself (our clock): a frame or a pong. */
  private aliveAtMs = 0;
  private seenFrame = false;
  /** Exchange time up to which the last watermark sent vouched: where a loss would start. */
  private vouchedMs: number | null = null;
  /** When the connection went down while the stream was live: the prints since are unknown. */
  private lostFromMs: number | null = null;

  /** A restart from a checkpoint: what was printed since `lastTimeMs` (when known) is unknown. */
  resumedAfter(lastTimeMs: number | null): void {
    if (lastTimeMs !== null) this.lostFromMs = lastTimeMs;
  }

  /** Live prints arrived (the feed's, not REST's). */
  observe(trades: readonly Trade[]): void {
    for (const t of trades) {
      if (!this.seenFrame || t.eventTimeMs >= this.lastEventMs) {
        this.lastEventMs = t.eventTimeMs;
        this.lastReceivedMs = t.receivedAtMs;
        this.seenFrame = true;
      }
      if (t.receivedAtMs > this.aliveAtMs) this.aliveAtMs = t.receivedAtMs;
      if (t.exchangeTimeMs > this.lastPrintMs) this.lastPrintMs = t.exchangeTimeMs;
    }
    if (this.connected && trades.length > 0) this.live = true;
  }

  up(): void {
    this.connected = true;
  }

  /** The exchange answered a heartbeat at `atMs` (our clock). */
  alive(atMs: number): void {
    if (atMs > this.aliveAtMs) this.aliveAtMs = atMs;
  }

  /**
   * Until a fresh print proves what was missed, nothing after now is vouched for. The loss starts
   * where the last watermark sent vouched; `sinceLastPrint` (the exchange's message counter showed
   * the loss, so heartbeats since the last print vouched for nothing) or nothing vouched yet: at
   * the last print received, by its own time (a lost print may be older than that print's event;
   * closed candles after it are corrected by the gap).
   */
  down(sinceLastPrint = false): void {
    if (this.live && this.lostFromMs === null) {
      this.lostFromMs = sinceLastPrint ? this.lastPrintMs : this.vouchedMs ?? this.lastPrintMs;
    }
    this.connected = false;
    this.live = false;
  }

  /**
   * A frame that may have held this stream's prints could not be read, the connection staying up:
   * the prints since the last one received are unknown, as after a sequence gap, and nothing after
   * it is vouched for until a fresh print shows the stream going on (then the loss is taken).
   */
  unread(): void {
    if (this.live && this.lostFromMs === null) this.lostFromMs = this.lastPrintMs;
    this.live = false;
  }

  /**
   * For streams whose ids cannot show a loss: the span the last disconnection left unknown, from
   * what was last vouched for to the first print after it (null when nothing was lost). Taken once.
   */
  takeLoss(firstPrintAfterMs: number): { fromMs: number; toMs: number } | null {
    const from = this.lostFromMs;
    if (from === null) return null;
    this.lostFromMs = null;
    return { fromMs: Math.min(from, firstPrintAfterMs), toMs: firstPrintAfterMs };
  }

  /**
   * A loss no print came to close (the collector stops first): from where it starts to the last
   * print received (the vouched point may trail it by the latency allowance), so every bucket that
   * holds a stored print after the start says so; null when nothing is open. Taken once. Later
   * buckets hold nothing stored, and a restart resumes from the checkpoint (resumedAfter).
   */
  takeOpenLoss(): { fromMs: number; toMs: number } | null {
    const from = this.lostFromMs;
    if (from === null) return null;
    this.lostFromMs = null;
    return { fromMs: from, toMs: Math.max(from, this.seenFrame ? this.lastEventMs : from) };
  }

  /** Exchange time up to which the stream is complete now, or null when it vouches for nothing. */
  watermark(latencyAllowanceMs: number): number | null {
    if (!this.connected || !this.live || !this.seenFrame) return null;
    return this.lastEventMs + Math.max(0, this.aliveAtMs - this.lastReceivedMs) - latencyAllowanceMs;
  }

  /** The watermark reached the bus. */
  vouched(watermarkMs: number): void {
    this.vouchedMs = Math.max(this.vouchedMs ?? watermarkMs, watermarkMs);
  }
}
