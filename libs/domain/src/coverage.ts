/**
 * What the aggregator knows about which prints of the stream it has seen. Completeness comes from
 * id continuity: a jump in ids is a hole whose missing prints lie between the times of the prints
 * around it; the hole closes when every missing id has arrived (a backfill). A gap declared by the
 * service (markGap) cannot be closed by prints.
 */
export interface Gap {
  readonly fromMs: number;
  readonly toMs: number;
  /** Missing ids [fromId, toId] for an id hole; null for a declared gap. */
  readonly fromId: number | null;
  readonly toId: number | null;
  readonly filled: Set<number>;
}

export class Coverage {
  /** Buckets opening before this are incomplete (exgate started watching inside them). */
  startMs = Number.POSITIVE_INFINITY;
  /** Set while the stream is not watched (disconnected); null when live. */
  suspendedSinceMs: number | null = null;
  private gaps: Gap[] = [];

  /** True when nothing of [openMs, closeMs] can have been missed. */
  isCovered(openMs: number, closeMs: number): boolean {
    if (openMs < this.startMs) return false;
    if (this.suspendedSinceMs !== null && this.suspendedSinceMs <= closeMs) return false;
    for (const g of this.gaps) {
      if (g.fromMs <= closeMs && g.toMs >= openMs) return false;
    }
    return true;
  }

  get openGaps(): readonly Gap[] {
    return this.gaps;
  }

  addHole(fromId: number, toId: number, fromMs: number, toMs: number): Gap {
    const gap: Gap = { fromMs, toMs, fromId, toId, filled: new Set() };
    this.gaps.push(gap);
    return gap;
  }

  addGap(fromMs: number, toMs: number): Gap {
    const gap: Gap = { fromMs, toMs, fromId: null, toId: null, filled: new Set() };
    this.gaps.push(gap);
    return gap;
  }

  /** The open hole that is missing `id`, if any. */
  holeMissing(id: number): Gap | undefined {
    for (const g of this.gaps) {
      if (g.fromId !== null && g.toId !== null && id >= g.fromId && id <= g.toId && !g.filled.has(id)) return g;
    }
    return undefined;
  }

  /** Records that a missing id arrived; true when the hole has no missing id left. */
  fill(gap: Gap, id: number): boolean {
    gap.filled.add(id);
    return gap.fromId !== null && gap.toId !== null && gap.filled.size === gap.toId - gap.fromId + 1;
  }

  /** The hole is complete: its span is covered again. */
  remove(gap: Gap): void {
    this.gaps = this.gaps.filter((g) => g !== gap);
  }

  /** Forgets gaps that ended before anything still open or correctable. */
  prune(beforeMs: number): void {
    if (this.gaps.length > 0 && this.gaps.some((g) => g.toMs < beforeMs)) {
      this.gaps = this.gaps.filter((g) => g.toMs >= beforeMs);
    }
  }
}
