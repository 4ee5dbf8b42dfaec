import type { Candle } from './candle';
import type { CandlePolicy } from './candle-policy';
import { CandleBuilder } from './candle-builder';
import { Coverage, type Gap } from './coverage';
import { INTERVALS, type IntervalId } from './interval';
import { type Level, buildLevels } from './level';
import { Publisher } from './publisher';
import { type EngineSnapshot, restoreLevels } from './restore';
import type { Trade } from './trade';

export interface CandleAggregatorOptions {
  readonly exchange: string;
  readonly symbol: string;
  /** Default: all 16. */
  readonly intervals?: readonly IntervalId[];
  /** Local time zone of the buckets (see openTimeMs). Default 0 (UTC). */
  readonly tzOffsetMs?: number;
  /** How a bucket opens (the exchange's candle policy). Default `first-print`. */
  readonly openAt?: CandlePolicy['openAt'];
  /** How long after its close a candle can still be corrected by a late print. Default 0. */
  readonly graceMs?: number;
  /** From when the stream is known complete; default: just after the first print seen. */
  readonly coveredFromMs?: number;
  /**
   * True (default) when the exchange numbers the stream's prints 1, 2, 3…: a jump is a loss. For
   * exchanges whose ids only grow, completeness rests on suspend()/markGap() alone.
   */
  readonly contiguousIds?: boolean;
  /** Receives every closed candle, and every correction of one (a higher version). */
  readonly onCandle: (candle: Candle) => void;
}

/**
 * applied: counted in a forming candle. corrected: it changed closed candles (re-emitted).
 * duplicate: that id was already counted; nothing changed. too_late: it belongs to a candle past
 * its grace window; not counted (the service logs it; the scanner route can regenerate).
 */
export type IngestOutcome = 'applied' | 'corrected' | 'duplicate' | 'too_late';

export interface AggregatorStats {
  applied: number;
  corrected: number;
  duplicate: number;
  tooLate: number;
}

/**
 * Candles of every configured interval for one stream (exchange + symbol), fed prints in id order.
 * Time comes only from print times and advanceTo(): the caller owns the clock. Closed candles go
 * to `onCandle` as buckets end; forming() gives the candle in progress of any interval. States,
 * empty buckets, gaps and late prints: docs/adr/0005-candle-engine.md.
 */
export class CandleAggregator {
  readonly stats: AggregatorStats = { applied: 0, corrected: 0, duplicate: 0, tooLate: 0 };
  private readonly levels: Level[];
  private readonly roots: Level[];
  private readonly coverage = new Coverage();
  private readonly publisher: Publisher;
  private readonly coveredFromMs: number | undefined;
  private readonly contiguousIds: boolean;
  private lastId = -1;
  private lastTimeMs = Number.NEGATIVE_INFINITY;
  private started = false;
  /** Prints at or after this time land in the forming bucket of every root. */
  private hotFloorMs = Number.POSITIVE_INFINITY;
  /** The earliest time at which some root bucket ends. */
  private nextRollMs = Number.POSITIVE_INFINITY;

  constructor(options: CandleAggregatorOptions) {
    const intervals = options.intervals ?? INTERVALS;
    if (intervals.length === 0) throw new RangeError('an aggregator needs at least one interval');
    const meta = { exchange: options.exchange, symbol: options.symbol, openAtCarry: options.openAt === 'previous-price' };
    this.levels = buildLevels(meta, intervals, options.tzOffsetMs ?? 0);
    this.roots = this.levels.filter((l) => l.source === null);
    this.publisher = new Publisher(this.levels, this.coverage, options.graceMs ?? 0, options.onCandle);
    this.coveredFromMs = options.coveredFromMs;
    this.contiguousIds = options.contiguousIds ?? true;
  }

  /**
   * An engine that carries on where the one that produced `snapshot` (its stored candles and
   * prints, see planSnapshot) stopped: the same forming and correctable candles, the same carries
   * and completeness, and every print it counted recognised as a duplicate. Fed what follows
   * (replays included), it publishes what the first engine would have
   * (docs/adr/0007-aggregator-recovery.md). An empty snapshot gives a fresh engine.
   */
  static restore(options: CandleAggregatorOptions, snapshot: EngineSnapshot): CandleAggregator {
    const engine = new CandleAggregator(options);
    const position = restoreLevels(engine.levels, snapshot, options.graceMs ?? 0);
    if (!position) return engine;
    engine.started = true;
    engine.lastId = position.lastId;
    engine.lastTimeMs = position.lastTimeMs;
    engine.publisher.watermarkMs = position.watermarkMs;
    // Completeness before the restart lives on in the gaps; after it, as for any engine.
    engine.coverage.startMs = Number.NEGATIVE_INFINITY;
    for (const r of position.uncovered) engine.coverage.addGap(r.fromMs, r.toMs);
    engine.updateRootBounds();
    return engine;
  }

  /** The latest time known to have passed (print times and advanceTo). */
  get watermarkMs(): number {
    return this.publisher.watermarkMs;
  }

  /** The highest print id seen: any print up to it is a duplicate (or fills a hole). Null before the first. */
  get lastTradeId(): number | null {
    return this.started ? this.lastId : null;
  }

  ingest(t: Trade): IngestOutcome {
    const timeMs = t.exchangeTimeMs;
    // Hot path: the next id, in the current or a later bucket, stream live.
    const next = t.id === this.lastId + 1 || (t.id > this.lastId && !this.contiguousIds);
    if (next && timeMs >= this.hotFloorMs && this.coverage.suspendedSinceMs === null) {
      this.lastId = t.id;
      if (timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
      if (timeMs >= this.nextRollMs) this.rollTo(timeMs);
      else if (timeMs > this.publisher.watermarkMs) this.publisher.watermarkMs = timeMs;
      const roots = this.roots;
      for (let i = 0; i < roots.length; i++) roots[i]!.current.addTrade(t);
      this.stats.applied++;
      return 'applied';
    }
    return this.count(this.ingestSlow(t));
  }

  /** Time has passed up to `nowMs` with no further prints: closes the buckets that ended. */
  advanceTo(nowMs: number): void {
    if (!this.started || this.coverage.suspendedSinceMs !== null || nowMs <= this.publisher.watermarkMs) return;
    this.rollTo(nowMs);
  }

  /**
   * The stream stopped being watched at `atMs` (disconnected). Nothing closes until the next print
   * shows by its id whether prints were missed, or markGap() declares the loss.
   */
  suspend(atMs: number): void {
    // Not before what was already seen: buckets closed since then were published on that evidence,
    // and a suspension reaching back into them would leave them out of step with coarser ones.
    if (this.coverage.suspendedSinceMs === null) this.coverage.suspendedSinceMs = Math.max(atMs, this.publisher.watermarkMs);
  }

  /**
   * Prints between fromMs and toMs were (or may have been) lost for good. Ends a suspension.
   * Candles overlapping it are not gap-free; closed ones still correctable are corrected.
   */
  markGap(fromMs: number, toMs: number): void {
    this.coverage.suspendedSinceMs = null;
    this.coverage.addGap(fromMs, toMs);
    this.publisher.republishRange(fromMs, toMs);
  }

  /** The candle in progress of `interval`, or null before the first print. */
  forming(interval: IntervalId): Candle | null {
    const level = this.levels.find((l) => l.interval === interval);
    if (!level) throw new RangeError(`interval ${interval} is not aggregated here`);
    if (!this.started) return null;
    const scratch = new CandleBuilder();
    scratch.copyFrom(level.current);
    for (let s = level.source; s !== null; s = s.source) scratch.merge(s.current);
    const gapFree = this.coverage.isCovered(scratch.openTimeMs, scratch.closeTimeMs);
    return scratch.toCandle(level.meta, 'forming', 0, gapFree, level.carry);
  }

  /** Forming candles of every configured interval, shortest first. */
  formingAll(): Candle[] {
    return this.levels.flatMap((l) => this.forming(l.interval) ?? []);
  }

  private ingestSlow(t: Trade): IngestOutcome {
    const id = t.id;
    const timeMs = t.exchangeTimeMs;
    if (!this.started) return this.start(t);
    if (id <= this.lastId) {
      const hole = this.coverage.holeMissing(id);
      if (!hole) return 'duplicate';
      if (!this.publisher.accepts(t, this.roots)) return 'too_late';
      // Where an exchange's times and ids disagree, a missing id can be later than every print
      // seen: its bucket must be open before it is placed. (During a suspension the buckets this
      // closes are published incomplete: conservative.)
      this.reach(timeMs);
      const reopened = this.coverage.fill(hole, id) && this.closeHole(hole);
      const outcome = this.publisher.place(t, this.roots);
      if (reopened) this.publisher.republishRange(hole.fromMs, hole.toMs);
      return outcome;
    }
    if (id > this.lastId + 1 && this.contiguousIds) {
      const fromMs = Math.min(this.lastTimeMs, timeMs);
      const toMs = Math.max(this.lastTimeMs, timeMs);
      this.coverage.addHole(this.lastId + 1, id - 1, fromMs, toMs);
      // Candles closed since the last print (advanceTo) were published complete: they are not.
      this.publisher.republishRange(fromMs, toMs);
    }
    this.coverage.suspendedSinceMs = null;
    this.lastId = id;
    this.reach(timeMs);
    return this.publisher.accepts(t, this.roots) ? this.publisher.place(t, this.roots) : 'too_late';
  }

  /**
   * Every missing id arrived. The span is complete again only if all the candles it touches can
   * still be corrected: else some candles would say complete and others (past grace) not, and a
   * coarse candle would claim more than the fold of its parts. Then it stays a gap for good.
   * True when the span became complete (the caller republishes it).
   */
  private closeHole(hole: Gap): boolean {
    this.coverage.remove(hole);
    if (this.publisher.correctableAt(hole.fromMs, this.roots)) return true;
    this.coverage.addGap(hole.fromMs, hole.toMs);
    return false;
  }

  private start(t: Trade): IngestOutcome {
    this.started = true;
    this.lastId = t.id;
    this.lastTimeMs = t.exchangeTimeMs;
    this.publisher.watermarkMs = t.exchangeTimeMs;
    this.coverage.startMs = this.coveredFromMs ?? t.exchangeTimeMs + 1;
    for (const level of this.levels) level.openAt(t.exchangeTimeMs);
    this.updateRootBounds();
    return this.publisher.place(t, this.roots);
  }

  /** A print shows the stream's time has reached `timeMs`: buckets before it close. */
  private reach(timeMs: number): void {
    if (timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
    if (timeMs > this.publisher.watermarkMs) this.rollTo(timeMs);
  }

  private rollTo(timeMs: number): void {
    this.publisher.watermarkMs = timeMs;
    const roots = this.roots;
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i]!;
      while (timeMs >= root.nextOpenMs) this.publisher.closeBucket(root);
    }
    this.updateRootBounds();
    if (this.coverage.openGaps.length > 0) this.publisher.pruneGaps();
  }

  private updateRootBounds(): void {
    let floorMs = Number.NEGATIVE_INFINITY;
    let rollMs = Number.POSITIVE_INFINITY;
    for (const root of this.roots) {
      floorMs = Math.max(floorMs, root.current.openTimeMs);
      rollMs = Math.min(rollMs, root.nextOpenMs);
    }
    this.hotFloorMs = floorMs;
    this.nextRollMs = rollMs;
  }

  private count(outcome: IngestOutcome): IngestOutcome {
    if (outcome === 'too_late') this.stats.tooLate++;
    else if (outcome === 'duplicate') this.stats.duplicate++;
    else if (outcome === 'corrected') this.stats.corrected++;
    else this.stats.applied++;
    return outcome;
  }
}
