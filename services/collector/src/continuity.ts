import type { Trade } from '@exgate/domain';

/** A hole in a stream's ids: everything strictly between `afterId` and `beforeId` is missing. */
export interface IdGap {
  readonly afterId: number;
  readonly beforeId: number;
}

export interface Accepted {
  /** New prints, ascending by id, each once. */
  readonly fresh: Trade[];
  readonly duplicates: number;
  /** Holes found between the last accepted id and the new prints, oldest first. */
  readonly gaps: IdGap[];
}

/**
 * Trade-id continuity for one stream. Binance ids grow by one per print, so a jump is a loss
 * (missed frame, reconnect, rotation) and a repeat is an overlap (rotation, replay, backfill
 * racing the live feed). Pure: the collector decides what to do about gaps.
 */
export class ContinuityTracker {
  private last: number | null;

  /** `contiguous`: ids go up by one, so a jump is a hole; otherwise ids only grow and jumps are normal. */
  constructor(lastId: number | null = null, private readonly contiguous = true) {
    this.last = lastId;
  }

  get lastId(): number | null {
    return this.last;
  }

  /** Forget everything after `lastId`: those prints will be fetched again by id. */
  rewind(lastId: number | null): void {
    this.last = lastId;
  }

  accept(trades: readonly Trade[]): Accepted {
    const fresh: Trade[] = [];
    const gaps: IdGap[] = [];
    let duplicates = 0;
    const sorted = isAscending(trades) ? trades : [...trades].sort((a, b) => a.id - b.id);
    for (const t of sorted) {
      if (this.last !== null && t.id <= this.last) {
        duplicates++;
        continue;
      }
      if (this.contiguous && this.last !== null && t.id > this.last + 1) gaps.push({ afterId: this.last, beforeId: t.id });
      fresh.push(t);
      this.last = t.id;
    }
    return { fresh, duplicates, gaps };
  }
}

function isAscending(trades: readonly Trade[]): boolean {
  for (let i = 1; i < trades.length; i++) if (trades[i]!.id <= trades[i - 1]!.id) return false;
  return true;
}
