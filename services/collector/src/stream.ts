import type { Trade, TradeBatch, TradeKind, TimeRange } from '@exgate/domain';
import { streamKey } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import type { ExchangeCapabilities, ExchangeRest } from '@exgate/exchanges';
import { retry, type Logger } from '@exgate/runtime';
import { ContinuityTracker } from './continuity';
import { Liveness } from './liveness';

export interface StreamOptions {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
  readonly capabilities: ExchangeCapabilities;
  readonly rest: ExchangeRest;
  readonly logger: Logger;
  /** Where the stream stopped last time (checkpoint), so a restart backfills what it missed. */
  readonly lastId: number | null;
  readonly backfillPageSize: number;
  /** Outbox bound: past it the stream forgets the newest prints and refetches them by id later. */
  readonly maxBuffered: number;
  readonly onStats: (event: StreamEvent) => void;
}

export type StreamEvent =
  | { readonly type: 'duplicates'; readonly count: number }
  | { readonly type: 'gap'; readonly missing: number }
  | { readonly type: 'backfilled'; readonly count: number }
  | { readonly type: 'unfilled'; readonly range: TimeRange }
  | { readonly type: 'overflow'; readonly dropped: number };

/**
 * One exchange stream on its way to the bus, and everything the collector knows about it: its
 * liveness and watermark, its checkpoint, its outbox. Orders and dedups prints by id; where the
 * exchange numbers prints contiguously and serves them by id, every hole is fetched from REST
 * before later prints go on; elsewhere what a disconnection hid is declared a gap. Prints are
 * handled one batch at a time, so ids leave strictly ascending.
 */
export class CollectedStream {
  readonly key: string;
  readonly liveness = new Liveness();
  private readonly tracker: ContinuityTracker;
  /** Holes in the ids are losses that REST can give back. */
  private readonly fetchesHoles: boolean;
  private readonly incoming: Trade[] = [];
  private outbox: Trade[] = [];
  private pending: TimeRange | null = null;
  /** Ids dropped at the outbox bound, up to `throughId`: refetched by id when there is room. */
  private forgotten: { throughId: number; range: TimeRange } | null = null;
  private pumping: Promise<void> | null = null;
  /** Fetch by id what the exchange printed since the last id we hold, without waiting for a live print. */
  private catchingUp = false;
  /** Last id that made it to the bus: the checkpoint. */
  private published: number | null;
  /** When the last watermark-only batch left (quiet streams send one per interval, not per flush). */
  watermarkSentAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: StreamOptions) {
    this.key = streamKey(o.exchange, o.symbol);
    const contiguous = o.capabilities.tradeIds === 'contiguous';
    this.tracker = new ContinuityTracker(o.lastId, contiguous);
    this.fetchesHoles = contiguous && o.capabilities.backfill === 'by-id';
    this.published = o.lastId;
  }

  get exchange(): string {
    return this.o.exchange;
  }

  get symbol(): string {
    return this.o.symbol;
  }

  get kind(): TradeKind {
    return this.o.kind;
  }

  get publishedId(): number | null {
    return this.published;
  }

  /** True while holes are being fetched: the watermark must not move past them. */
  get busy(): boolean {
    return this.pumping !== null || this.incoming.length > 0 || this.forgotten !== null || this.catchingUp;
  }

  get buffered(): number {
    return this.outbox.length;
  }

  /** Nothing to send but, perhaps, a watermark. */
  get idle(): boolean {
    return this.outbox.length === 0 && this.pending === null;
  }

  /** Prints from the live feed. */
  receive(trades: readonly Trade[]): void {
    this.liveness.observe(trades);
    // Where ids cannot show what a disconnection hid, the span it left unknown is a gap.
    const loss = this.fetchesHoles ? null : this.liveness.takeLoss(trades[0]?.exchangeTimeMs ?? 0);
    if (loss) {
      this.pending = mergeRanges(this.pending, loss);
      this.o.onStats({ type: 'unfilled', range: loss });
    }
    this.ingest(trades);
  }

  /**
   * A frame that may have held prints of this stream was rejected. Where ids show a hole, the next
   * print reveals it and it is fetched as any other; elsewhere the span is declared lost.
   */
  unread(): void {
    if (!this.fetchesHoles) this.liveness.unread();
  }

  /**
   * Stopping: a disconnection whose loss no later print closed is declared now, so the candle it
   * starts in is not left saying `gap_free: true` (only where ids cannot show the loss).
   */
  declareOpenLoss(): void {
    const loss = this.fetchesHoles ? null : this.liveness.takeOpenLoss();
    if (!loss) return;
    this.pending = mergeRanges(this.pending, loss);
    this.o.onStats({ type: 'unfilled', range: loss });
  }

  private ingest(trades: readonly Trade[]): void {
    this.incoming.push(...trades);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
      // Prints that arrived after the pump's last look but before it finished.
      if (this.incoming.length > 0) this.ingest([]);
    });
  }

  /**
   * After a restart from a checkpoint or a reconnect: prints missed meanwhile are fetched from REST
   * now. Waiting for the next live print to reveal them by its id would leave them out for as long
   * as the market stays quiet (an illiquid symbol, a halt). No-op before the stream has an id.
   */
  catchUp(): void {
    if (this.tracker.lastId === null || !this.fetchesHoles) return;
    this.catchingUp = true;
    this.ingest([]);
  }

  /** Resolves when everything ingested so far is in the outbox. */
  async settled(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /**
   * The batch to publish now (null when nothing is due); `commit` once the bus acknowledged it.
   * While holes are being fetched the watermark stays back: it must not pass them.
   */
  take(watermarkMs: number | null): { batch: TradeBatch; commit: () => void } | null {
    if (this.busy) watermarkMs = null;
    const trades = this.outbox;
    const gap = this.pending;
    if (trades.length === 0 && gap === null && watermarkMs === null) return null;
    this.outbox = [];
    this.pending = null;
    const batch: TradeBatch = { exchange: this.o.exchange, symbol: this.o.symbol, kind: this.o.kind, trades, watermarkMs, gap };
    return {
      batch,
      commit: () => {
        if (watermarkMs !== null) this.liveness.vouched(watermarkMs);
        const last = trades[trades.length - 1];
        if (last) this.published = last.id;
        // Room again: fetch what was forgotten, let held prints through.
        if (this.forgotten !== null || this.catchingUp || this.incoming.length > 0) this.ingest([]);
      },
    };
  }

  /** The bus refused the batch: put it back in front, keeping order. */
  restore(batch: TradeBatch): void {
    this.outbox = [...batch.trades, ...this.outbox];
    this.pending = mergeRanges(batch.gap, this.pending);
    this.enforceBound();
  }

  private async pump(): Promise<void> {
    for (;;) {
      // The bus is behind: stop reading. Live prints are not held either (memory stays bounded):
      // they are remembered by id and fetched once the next commit makes room.
      if (this.outbox.length >= this.o.maxBuffered) {
        const held = this.incoming.splice(0, this.incoming.length);
        const newest = held.reduce<Trade | null>((a, t) => (a === null || t.id > a.id ? t : a), null);
        if (newest && newest.id > (this.tracker.lastId ?? -1)) {
          this.remember(newest.id, { fromMs: held.reduce((m, t) => Math.min(m, t.exchangeTimeMs), newest.exchangeTimeMs), toMs: newest.exchangeTimeMs });
          this.o.onStats({ type: 'overflow', dropped: held.length });
        }
        return;
      }
      const forgotten = this.forgotten;
      if (forgotten) {
        // Prints forgotten at the bound are fetched by id first, before anything newer.
        this.forgotten = null;
        const complete = await this.fill(this.tracker.lastId ?? forgotten.throughId, forgotten.throughId + 1, forgotten.range);
        if (!complete) return;
        continue;
      }
      if (this.catchingUp && this.incoming.length === 0) {
        // A page goes through the same path as live prints: ordered, deduplicated, holes filled.
        const page = await this.nextPage();
        if (page.caughtUp) this.catchingUp = false;
        this.incoming.push(...page.trades);
        continue;
      }
      if (this.incoming.length === 0) return;
      const accepted = this.tracker.accept(this.incoming.splice(0, this.incoming.length));
      if (accepted.duplicates > 0) this.o.onStats({ type: 'duplicates', count: accepted.duplicates });
      let cursor = 0;
      for (const gap of this.fetchesHoles ? accepted.gaps : []) {
        // Everything before the hole is safe to send; the hole is fetched before anything after it.
        const beforeHole = accepted.fresh.findIndex((t) => t.id >= gap.beforeId);
        this.outbox.push(...accepted.fresh.slice(cursor, beforeHole));
        cursor = beforeHole;
        const next = accepted.fresh[beforeHole]!;
        this.o.onStats({ type: 'gap', missing: gap.beforeId - gap.afterId - 1 });
        this.o.logger.warn({ stream: this.key, afterId: gap.afterId, beforeId: gap.beforeId }, 'id gap: backfilling from REST');
        const range = { fromMs: accepted.fresh[beforeHole - 1]?.exchangeTimeMs ?? next.exchangeTimeMs, toMs: next.exchangeTimeMs };
        if (!(await this.fill(gap.afterId, gap.beforeId, range))) {
          // The bound stopped the fill: what follows the hole is forgotten too, and refetched in order.
          this.forget(accepted.fresh.slice(cursor));
          cursor = accepted.fresh.length;
          break;
        }
      }
      this.outbox.push(...accepted.fresh.slice(cursor));
      this.enforceBound();
    }
  }

  /**
   * Fetches ids afterId+1 … beforeId−1 into the outbox. False when the outbox bound stopped it
   * (the rest is remembered as forgotten); a hole REST cannot give back is reported as a gap.
   */
  private async fill(afterId: number, beforeId: number, range: TimeRange): Promise<boolean> {
    let from = afterId + 1;
    try {
      while (from < beforeId) {
        if (this.outbox.length >= this.o.maxBuffered) {
          this.remember(beforeId - 1, range);
          this.tracker.rewind(from - 1);
          return false;
        }
        const limit = Math.min(this.o.backfillPageSize, beforeId - from, this.o.maxBuffered - this.outbox.length);
        const page = await this.page(from, limit, { attempts: 8, maxMs: 30_000, what: 'backfill retry' });
        const useful = page.filter((t) => t.id >= from && t.id < beforeId);
        if (useful.length === 0) break;
        this.outbox.push(...useful);
        this.o.onStats({ type: 'backfilled', count: useful.length });
        from = useful[useful.length - 1]!.id + 1;
        if ((this.tracker.lastId ?? -1) < from - 1) this.tracker.rewind(from - 1);
      }
    } catch (e) {
      this.o.logger.error({ stream: this.key, from, beforeId, err: errorMessage(e) }, 'backfill failed');
    }
    if (from < beforeId) {
      // What REST could not give back is a real hole: say so, so candles over it are marked incomplete.
      this.pending = mergeRanges(this.pending, range);
      if ((this.tracker.lastId ?? -1) < beforeId - 1) this.tracker.rewind(beforeId - 1);
      this.o.onStats({ type: 'unfilled', range });
    }
    return true;
  }

  /**
   * One page of prints after the newest id held. A short page is the newest the exchange has:
   * caught up. When REST keeps failing the catch-up ends too; the next live print then reveals
   * what is missing, as after any hole.
   */
  private async nextPage(): Promise<{ trades: Trade[]; caughtUp: boolean }> {
    const from = (this.tracker.lastId ?? -1) + 1;
    const limit = Math.min(this.o.backfillPageSize, this.o.maxBuffered - this.outbox.length);
    try {
      const page = await this.page(from, limit, { attempts: 4, maxMs: 10_000, what: 'catch-up retry' });
      const trades = page.filter((t) => t.id >= from);
      if (trades.length > 0) this.o.onStats({ type: 'backfilled', count: trades.length });
      return { trades, caughtUp: page.length < limit };
    } catch (e) {
      // A warning, not an error: nothing is lost, the next live print shows the hole as usual.
      this.o.logger.warn({ stream: this.key, from, err: errorMessage(e) }, 'catch-up failed; the next live print reveals what is missing');
      return { trades: [], caughtUp: true };
    }
  }

  /** Up to `limit` prints from id `from` by REST, retried (with a logged line) while retriable. */
  private page(from: number, limit: number, o: { attempts: number; maxMs: number; what: string }): Promise<readonly Trade[]> {
    return retry(() => this.o.rest.tradesFromId(this.o.symbol, from, limit), {
      attempts: o.attempts,
      minMs: 500,
      maxMs: o.maxMs,
      onRetry: (e, attempt, delayMs) => this.o.logger.warn({ stream: this.key, attempt, delayMs, err: errorMessage(e) }, o.what),
    });
  }

  private enforceBound(): void {
    if (this.outbox.length > this.o.maxBuffered) this.forget(this.outbox.splice(this.o.maxBuffered));
  }

  /**
   * Drops the newest prints from memory and rewinds to the last one kept: they are fetched again
   * by id once the bus drains. Nothing is dropped silently.
   */
  private forget(dropped: readonly Trade[]): void {
    const last = dropped[dropped.length - 1];
    if (!last) return;
    this.remember(last.id, { fromMs: dropped[0]!.exchangeTimeMs, toMs: last.exchangeTimeMs });
    this.tracker.rewind(this.outbox[this.outbox.length - 1]?.id ?? this.published);
    this.o.onStats({ type: 'overflow', dropped: dropped.length });
  }

  private remember(throughId: number, range: TimeRange): void {
    const f = this.forgotten;
    this.forgotten = f === null ? { throughId, range } : { throughId: Math.max(f.throughId, throughId), range: mergeRanges(f.range, range)! };
  }
}

function mergeRanges(a: TimeRange | null, b: TimeRange | null): TimeRange | null {
  if (a === null) return b;
  if (b === null) return a;
  return { fromMs: Math.min(a.fromMs, b.fromMs), toMs: Math.max(a.toMs, b.toMs) };
}
