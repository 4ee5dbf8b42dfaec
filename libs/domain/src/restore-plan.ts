import type { Candle } from './candle';
import { INTERVALS, type IntervalId, intervalMs, openTimeMs } from './interval';
import { buildLevels, type Level } from './level';
import type { EngineSnapshot } from './restore';
import type { Trade } from './trade';

/** One read of a stream's stored data that planSnapshot asks its caller for. */
export type SnapshotRead =
  /** The stream's newest (or oldest) stored print by id: [] or [print]. */
  | { readonly type: 'edgeTrade'; readonly newest: boolean }
  /** Every stored candle of `interval` opening in [fromMs, toMs] (toMs null: no bound), ascending. */
  | { readonly type: 'candles'; readonly interval: IntervalId; readonly fromMs: number; readonly toMs: number | null }
  /** Every stored print with exchange time in [fromMs, toMs]. */
  | { readonly type: 'trades'; readonly fromMs: number; readonly toMs: number };

export type SnapshotAnswer = readonly Candle[] | readonly Trade[];

export interface SnapshotScope {
  /** As the engine's options (defaults too): the reads depend on the levels and the grace window. */
  readonly intervals?: readonly IntervalId[];
  readonly tzOffsetMs?: number;
  readonly graceMs?: number;
}

type Reads<T> = Generator<SnapshotRead, T, SnapshotAnswer>;

/** Buckets per backward read while looking for an older candle; grows ×4 up to the cap. */
const FIRST_LOOKBACK_BUCKETS = 16;
const MAX_LOOKBACK_BUCKETS = 4096;

/**
 * The reads that gather an EngineSnapshot, coarsest interval first, each in a window that ends at
 * the newest candle and starts where the forming and correctable buckets need it — so restoring a
 * 1M candle reads about 31 daily candles, not a month of prints. A generator: the caller performs
 * each read (the store is I/O) and passes the answer to `next()`; the plan itself stays pure.
 */
export function* planSnapshot(scope: SnapshotScope): Reads<EngineSnapshot> {
  const tzOffsetMs = scope.tzOffsetMs ?? 0;
  const graceMs = scope.graceMs ?? 0;
  const levels = buildLevels({ exchange: '', symbol: '' }, scope.intervals ?? INTERVALS, tzOffsetMs);
  const coarseFirst = [...levels].reverse();
  const coarsest = coarseFirst[0]!;
  const newest = (yield { type: 'edgeTrade', newest: true }) as readonly Trade[];
  if (newest.length === 0) return { candles: [], trades: [] };
  const history = new History(tzOffsetMs);

  // A crash between the trade and candle writes leaves one batch of prints past the candles, and
  // watermarks close buckets past the prints: look for the newest candle around the newest print.
  const aroundMs = openTimeMs(coarsest.interval, newest[0]!.exchangeTimeMs, tzOffsetMs);
  const after = (yield { type: 'candles', interval: coarsest.interval, fromMs: aroundMs, toMs: null }) as readonly Candle[];
  const latest = after[after.length - 1] ?? (yield* history.latestBefore(coarsest, aroundMs, () => true));
  if (!latest) return { candles: [], trades: [] };

  // Every forming bucket holds the watermark, so each level's newest open is a floor for it.
  let floorMs = latest.openTimeMs;
  const candles: Candle[] = [];
  for (const level of coarseFirst) {
    const fromMs = readFromMs(level, floorMs, graceMs, tzOffsetMs);
    const rows = (yield { type: 'candles', interval: level.interval, fromMs, toMs: null }) as readonly Candle[];
    if (rows.length === 0 || rows[0]!.openTimeMs > fromMs || rows[0]!.state === 'forming') {
      // The bucket whose close is carried into later empty ones was never published, or only while
      // forming (it closed unpublished, and its row shows a carry a late print may have changed
      // since): look further, past such rows.
      const before = yield* history.latestBefore(level, fromMs, (c) => c.state !== 'forming');
      if (before) candles.push(before);
    }
    candles.push(...rows);
    floorMs = Math.max(floorMs, rows[rows.length - 1]?.openTimeMs ?? floorMs);
  }

  const coarse = candles.filter((c) => c.interval === coarsest.interval);
  if (!coarse.some((c) => c.lastTradeId !== null)) {
    // No print for a while: the newest candle that counted one says which ids are counted.
    const counted = yield* history.latestBefore(coarsest, coarse[0]?.openTimeMs ?? floorMs, (c) => c.lastTradeId !== null);
    if (counted) candles.push(counted);
  }

  const trades: Trade[] = [];
  for (const root of levels.filter((l) => l.source === null)) {
    const forming = candles.filter((c) => c.interval === root.interval).pop();
    if (!forming) continue;
    // The watermark is at least the forming bucket's open: nothing older than a grace window before it is correctable.
    const fromMs = openTimeMs(root.interval, forming.openTimeMs - graceMs, tzOffsetMs);
    trades.push(...((yield { type: 'trades', fromMs, toMs: forming.closeTimeMs }) as readonly Trade[]));
  }
  return { candles, trades };
}

/**
 * The first bucket of `level` a restore needs when the watermark is at least `floorMs`: the one
 * before (its close is what empty buckets show) the oldest that is correctable or that a coarser
 * level's forming bucket folds.
 */
function readFromMs(level: Level, floorMs: number, graceMs: number, tzOffsetMs: number): number {
  let fromMs = openTimeMs(level.interval, floorMs - graceMs, tzOffsetMs);
  for (const child of level.children) fromMs = Math.min(fromMs, openTimeMs(child.interval, floorMs, tzOffsetMs));
  return openTimeMs(level.interval, fromMs - 1, tzOffsetMs);
}

/** Backward searches through a level's stored candles, never before the stream's oldest print. */
class History {
  private oldestPrintMs: number | undefined;

  constructor(private readonly tzOffsetMs: number) {}

  /** The newest stored candle of `level` opening before `beforeMs` that `accept`s, or null. */
  *latestBefore(level: Level, beforeMs: number, accept: (c: Candle) => boolean): Reads<Candle | null> {
    if (this.oldestPrintMs === undefined) {
      const oldest = (yield { type: 'edgeTrade', newest: false }) as readonly Trade[];
      this.oldestPrintMs = oldest[0]?.exchangeTimeMs ?? beforeMs;
    }
    const floorMs = openTimeMs(level.interval, this.oldestPrintMs, this.tzOffsetMs);
    const bucketMs = intervalMs(level.interval) ?? 31 * 24 * 3_600_000;
    let buckets = FIRST_LOOKBACK_BUCKETS;
    for (let toMs = beforeMs - 1; toMs >= floorMs;) {
      const fromMs = Math.max(floorMs, toMs + 1 - buckets * bucketMs);
      const rows = (yield { type: 'candles', interval: level.interval, fromMs, toMs }) as readonly Candle[];
      for (let i = rows.length - 1; i >= 0; i--) if (accept(rows[i]!)) return rows[i]!;
      toMs = fromMs - 1;
      buckets = Math.min(buckets * 4, MAX_LOOKBACK_BUCKETS);
    }
    return null;
  }
}
