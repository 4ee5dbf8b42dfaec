import type { Pace } from '../../types';

/** What the player needs of a print: when the exchange sent it. */
export interface Timed {
  readonly eventTimeMs: number;
}

/** Frames per event-loop turn in `asap` mode: fast, but sockets and timers still get their turn. */
const ASAP_BATCH = 200;
/** How soon an `asap` player looks again at listeners that took no more. */
const CONGESTED_RETRY_MS = 1;

/**
 * Plays one symbol's timeline like a live exchange: once started it runs whether or not anyone is
 * listening (a disconnected client misses prints, as on Binance), until paused or exhausted.
 */
export class SymbolPlayer<P extends Timed = Timed> {
  /** Index of the next print: everything before it has been "printed" by the exchange. */
  cursor = 0;
  private started = false;
  private paused = false;
  /** The next tick, however it waits (an immediate, or a timeout). */
  private timer: { cancel(): void } | null = null;
  private wallAnchorMs = 0;
  private eventAnchorMs = 0;
  private readonly finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(
    readonly timeline: readonly P[],
    private readonly pace: Pace,
    private readonly emit: (print: P) => void,
    /** Runs one turn's emits, e.g. with the sockets corked so its frames leave in one write. */
    private readonly burst: (run: () => void) => void = (run) => run(),
    /**
     * `asap` only: whether the listeners take more now. "As fast as the sockets take it" waits for
     * a slow reader, as a live exchange would not: frames queued without bound delayed its pongs
     * past their timeout, and the replay's connection dropped (ADR 0019).
     */
    private readonly ready: () => boolean = () => true,
  ) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    if (timeline.length === 0) this.resolveFinished();
  }

  get done(): boolean {
    return this.cursor >= this.timeline.length;
  }

  drained(): Promise<void> {
    return this.finished;
  }

  /** Idempotent: the first subscriber starts the symbol's clock. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.anchor();
    this.schedule();
  }

  pause(): void {
    this.paused = true;
    this.cancel();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.started) return;
    this.anchor();
    this.schedule();
  }

  stop(): void {
    this.paused = true;
    this.cancel();
  }

  private anchor(): void {
    this.wallAnchorMs = Date.now();
    this.eventAnchorMs = this.timeline[this.cursor]?.eventTimeMs ?? 0;
  }

  private schedule(): void {
    if (this.paused || !this.started || this.timer) return;
    if (this.done) {
      this.resolveFinished();
      return;
    }
    if (this.pace === 'asap') {
      const immediate = setImmediate(() => this.tick());
      this.timer = { cancel: () => clearImmediate(immediate) };
      return;
    }
    const next = this.timeline[this.cursor]!;
    const dueMs = this.wallAnchorMs + (next.eventTimeMs - this.eventAnchorMs) / this.pace.speed;
    this.wait(Math.max(0, dueMs - Date.now()));
  }

  private tick(): void {
    this.timer = null;
    if (this.paused) return;
    if (this.pace === 'asap' && !this.ready()) {
      this.wait(CONGESTED_RETRY_MS);
      return;
    }
    this.burst(() => this.emitDue());
    this.schedule();
  }

  private emitDue(): void {
    if (this.pace === 'asap') {
      for (let n = 0; n < ASAP_BATCH && !this.done && !this.paused; n++) this.emit(this.timeline[this.cursor++]!);
      return;
    }
    const nowEventMs = this.eventAnchorMs + (Date.now() - this.wallAnchorMs) * this.pace.speed;
    while (!this.done && !this.paused && this.timeline[this.cursor]!.eventTimeMs <= nowEventMs) {
      this.emit(this.timeline[this.cursor++]!);
    }
  }

  private wait(ms: number): void {
    const timeout = setTimeout(() => this.tick(), ms);
    this.timer = { cancel: () => clearTimeout(timeout) };
  }

  private cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}
