import type { Candle } from './candle';
import { CandleBuilder } from './candle-builder';
import type { Carry } from './carry';
import { nextOpenTimeMs, openTimeMs } from './interval';
import type { Level } from './level';
import { loadCandle, shownCarry } from './stored-candle';
import type { TimeRange, Trade } from './trade';

/**
 * What the store holds of one stream that an engine needs to carry on where it stopped
 * (CandleAggregator.restore; planSnapshot says what to read). Candles as stored: any state, the
 * highest version of each bucket winning, decimals in any spelling.
 */
export interface EngineSnapshot {
  /**
   * Per interval: every stored candle from the bucket before the oldest one still open or
   * correctable (or an earlier one, when those are not stored) to the newest.
   */
  readonly candles: readonly Candle[];
  /**
   * The stored prints of every root level's forming bucket and of its buckets still correctable
   * (they are rebuilt from them, see restoreLevels); ids past the stored candles are ignored.
   */
  readonly trades: readonly Trade[];
}

/** Where a restored engine stands, for CandleAggregator to adopt. */
export interface RestoredPosition {
  /** The highest id the stored candles counted: anything up to it is a duplicate. */
  readonly lastId: number;
  /** Stands for the latest print time as far as any open or correctable bucket can tell. */
  readonly lastTimeMs: number;
  readonly watermarkMs: number;
  /** Time ranges known incomplete, such that exactly the restored incomplete buckets touch them. */
  readonly uncovered: readonly TimeRange[];
}

/**
 * Puts the levels back (forming buckets, closed buckets within grace, carries) from a snapshot and
 * says where the engine stands; null when nothing was ever counted (a fresh engine is right).
 * docs/adr/0007-aggregator-recovery.md explains why each piece is exact.
 */
export function restoreLevels(levels: readonly Level[], snapshot: EngineSnapshot, graceMs: number): RestoredPosition | null {
  const rows = new Map(levels.map((l) => [l, storedRows(snapshot.candles, l)]));
  let lastId = -1;
  for (const list of rows.values()) for (const c of list) lastId = Math.max(lastId, c.lastTradeId ?? -1);
  if (lastId < 0) return null;

  // The latest print lies in the latest bucket holding prints of every level, so the latest such
  // open is in the same bucket as that print for every level whose rows reach it.
  let lastTimeMs = Number.NEGATIVE_INFINITY;
  let watermarkMs = Number.NEGATIVE_INFINITY;
  for (const list of rows.values()) {
    const newest = list[list.length - 1];
    if (newest) watermarkMs = Math.max(watermarkMs, newest.openTimeMs);
    const withPrints = findLast(list, (c) => c.lastTradeId !== null);
    if (withPrints) lastTimeMs = Math.max(lastTimeMs, withPrints.openTimeMs);
  }
  const counted = new Map<number, Trade>();
  for (const t of snapshot.trades) if (t.id <= lastId) counted.set(t.id, t);
  for (const t of counted.values()) lastTimeMs = Math.max(lastTimeMs, t.exchangeTimeMs);
  watermarkMs = Math.max(watermarkMs, lastTimeMs);

  const prints = [...counted.values()];
  for (const level of levels) level.openAt(watermarkMs);
  for (const level of levels) {
    const current = level.current;
    if (level.source === null) {
      addPrints(current, prints);
    } else {
      // Closed source buckets inside the forming one were folded into it when they closed.
      const part = new CandleBuilder();
      for (const c of rows.get(level.source)!) {
        if (c.openTimeMs < current.openTimeMs || c.openTimeMs >= level.source.current.openTimeMs) continue;
        loadPart(part, c, level, watermarkMs - graceMs, prints);
        current.merge(part);
      }
    }
    restoreClosed(level, rows.get(level)!, graceMs, watermarkMs, prints);
  }
  for (const level of levels) {
    if (level.source === null) continue;
    const exact = rootOf(level).retained;
    exactKeys(level.current, exact, level.current.openTimeMs, level.source.current.openTimeMs - 1);
    for (const b of level.retained) exactKeys(b, exact, b.openTimeMs, b.closeTimeMs);
  }
  return { lastId, lastTimeMs, watermarkMs, uncovered: uncovered(levels, rows) };
}

/**
 * A stored candle as a part of a fold. Where buckets open at the previous price, a stored candle's
 * open, high and low include the price carried into it, which a late print in the bucket before it
 * can still change (while that bucket is correctable, so this one opens after `sinceMs`): such a
 * part is rebuilt from its prints (all read, they lie in the correctable window), the carry applied
 * afresh when the fold is shown. Any other stored part is final.
 */
function loadPart(b: CandleBuilder, row: Candle, level: Level, sinceMs: number, prints: readonly Trade[]): void {
  if (!level.meta.openAtCarry || row.openTimeMs <= sinceMs) {
    loadCandle(b, row);
    return;
  }
  b.reset(row.openTimeMs, row.closeTimeMs);
  addPrints(b, prints);
}

function addPrints(b: CandleBuilder, prints: readonly Trade[]): void {
  for (const t of prints) if (t.exchangeTimeMs >= b.openTimeMs && t.exchangeTimeMs <= b.closeTimeMs) b.addTrade(t);
}

function rootOf(level: Level): Level {
  let root = level;
  while (root.source !== null) root = root.source;
  return root;
}

/**
 * A coarse bucket loaded from the store has stand-in keys (loadCandle). Late prints can still land
 * in it only inside the root buckets still correctable, which were rebuilt from their prints: if
 * any of those within [fromMs, toMs] has market prints, the latest holds the bucket's close, and if
 * they hold all of its prints, the earliest holds its open. Otherwise every print that can still
 * land is later than the stored open or close, which is what the stand-ins say.
 */
function exactKeys(b: CandleBuilder, exact: readonly CandleBuilder[], fromMs: number, toMs: number): void {
  if (b.count === 0) return;
  let count = 0;
  let first: CandleBuilder | undefined;
  let last: CandleBuilder | undefined;
  for (const r of exact) {
    if (r.count === 0 || r.openTimeMs < fromMs || r.closeTimeMs > toMs) continue;
    count += r.count;
    first ??= r;
    last = r;
  }
  if (!first || !last) return;
  b.closeKeyMs = last.closeKeyMs;
  b.closeKeyId = last.closeKeyId;
  if (count !== b.count) return;
  b.openKeyMs = first.openKeyMs;
  b.openKeyId = first.openKeyId;
}

/** The level's stored candles, one per bucket (highest version, then the later one), by open time. */
function storedRows(candles: readonly Candle[], level: Level): Candle[] {
  const byOpen = new Map<number, Candle>();
  for (const c of candles) {
    if (c.interval !== level.interval) continue;
    const seen = byOpen.get(c.openTimeMs);
    if (!seen || c.version >= seen.version) byOpen.set(c.openTimeMs, c);
  }
  return [...byOpen.values()].sort((a, b) => a.openTimeMs - b.openTimeMs);
}

/**
 * The closed buckets still correctable (close + grace ≥ watermark), as the publisher keeps them,
 * and the carry into the forming bucket. A correctable bucket that is not stored was never
 * published: empty and incomplete. Root buckets are rebuilt from their prints, so a late print
 * meets the real open and close; their version, completeness and carry come from the store.
 */
function restoreClosed(level: Level, list: readonly Candle[], graceMs: number, watermarkMs: number, prints: readonly Trade[]): void {
  const formingMs = level.current.openTimeMs;
  // Buckets before the stream's first stored candle are not kept: like the engine fed once, the
  // restored one opens them when a late print needs one (Publisher.openBefore).
  const firstMs = graceMs > 0
    ? Math.max(openTimeMs(level.interval, watermarkMs - graceMs, level.tzOffsetMs), list[0]?.openTimeMs ?? formingMs)
    : formingMs;
  let carry = carryBefore(list, Math.min(firstMs, formingMs));
  let i = list.findIndex((c) => c.openTimeMs >= firstMs);
  if (i < 0) i = list.length;
  for (let openMs = firstMs; openMs < formingMs;) {
    const b = new CandleBuilder();
    const stored = list[i]?.openTimeMs === openMs ? list[i++] : undefined;
    // A closed bucket whose only row is a forming one closed unpublished (empty, incomplete): the
    // row is what it looked like while forming, not what it became.
    const row = stored?.state === 'forming' ? undefined : stored;
    if (row && level.source === null) {
      b.reset(row.openTimeMs, row.closeTimeMs);
      addPrints(b, prints);
    } else if (row) {
      loadPart(b, row, level, watermarkMs - graceMs, prints);
    }
    if (row) {
      b.version = row.version;
      b.gapFree = row.gapFree;
      b.carryIn = shownCarry(row) ?? carry;
    } else {
      b.reset(openMs, nextOpenTimeMs(level.interval, openMs, level.tzOffsetMs) - 1);
      b.carryIn = carry;
    }
    carry = b.carryAfter(b.carryIn);
    level.retained.push(b);
    openMs = b.closeTimeMs + 1;
  }
  level.carry = carry;
}

/**
 * The close of the latest stored bucket before `beforeMs`, as an empty bucket after it shows it. A
 * forming row there is a bucket that closed unpublished: its carry is the one it showed while
 * forming, which a late print in an earlier bucket may have changed since (restoreClosed counts
 * such a row as none too).
 */
function carryBefore(list: readonly Candle[], beforeMs: number): Carry | null {
  const row = findLast(list, (c) => c.openTimeMs < beforeMs && c.state !== 'forming');
  if (!row) return null;
  if (row.tradeCount === 0) return shownCarry(row);
  const b = new CandleBuilder();
  loadCandle(b, row);
  return b.carryAfter(null);
}

/**
 * Ranges that make a bucket incomplete exactly when its stored flag says so, for every bucket that
 * can still change (forming or correctable): the incomplete ones minus the complete ones. The
 * engine's own gaps satisfy this too, so one exists; past the forming root buckets nothing of
 * the past reaches, and neither does this.
 */
function uncovered(levels: readonly Level[], rows: ReadonlyMap<Level, readonly Candle[]>): TimeRange[] {
  const incomplete: TimeRange[] = [];
  const complete: TimeRange[] = [];
  let limitMs = Number.POSITIVE_INFINITY;
  for (const level of levels) {
    const current = level.current;
    if (level.source === null) limitMs = Math.min(limitMs, current.closeTimeMs);
    for (const b of level.retained) (b.gapFree ? complete : incomplete).push({ fromMs: b.openTimeMs, toMs: b.closeTimeMs });
    const forming = rows.get(level)!.find((c) => c.openTimeMs === current.openTimeMs);
    if (forming) (forming.gapFree ? complete : incomplete).push({ fromMs: current.openTimeMs, toMs: current.closeTimeMs });
  }
  return subtract(union(incomplete), union(complete)).flatMap((r) =>
    r.fromMs > limitMs ? [] : [{ fromMs: r.fromMs, toMs: Math.min(r.toMs, limitMs) }]);
}

/** Disjoint, ascending ranges (of whole milliseconds) covering the same times. */
function union(ranges: TimeRange[]): TimeRange[] {
  const out: { fromMs: number; toMs: number }[] = [];
  for (const r of [...ranges].sort((a, b) => a.fromMs - b.fromMs)) {
    const last = out[out.length - 1];
    if (last && r.fromMs <= last.toMs + 1) last.toMs = Math.max(last.toMs, r.toMs);
    else out.push({ fromMs: r.fromMs, toMs: r.toMs });
  }
  return out;
}

/** The times of `from` not in `remove` (both disjoint and ascending). */
function subtract(from: readonly TimeRange[], remove: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of from) {
    let startMs = r.fromMs;
    for (const x of remove) {
      if (x.toMs < startMs || x.fromMs > r.toMs) continue;
      if (x.fromMs > startMs) out.push({ fromMs: startMs, toMs: x.fromMs - 1 });
      startMs = x.toMs + 1;
    }
    if (startMs <= r.toMs) out.push({ fromMs: startMs, toMs: r.toMs });
  }
  return out;
}

function findLast<T>(list: readonly T[], accept: (item: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (accept(list[i]!)) return list[i];
  return undefined;
}
