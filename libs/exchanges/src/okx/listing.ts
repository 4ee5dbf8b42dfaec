/**
 * Listing epochs (docs/adr/0017-okx-listing-epochs.md). OKX numbers an instrument's fills
 * contiguously, but a relisted instrument starts again at `tradeId` 1 under the same `instId`
 * (LUNA-USDT-SWAP, May 2022). exgate's ids must only grow per stream, so an OKX print's `id` is
 * its listing's epoch above its `tradeId`:
 *
 *     id = epoch × EPOCH_SPAN + tradeId
 *
 * The epoch is the day of the listing's `listTime` (instruments REST) counted from 2017-01-01: a
 * fact of the exchange, so every process (a restarted collector, the backfill, a second replica)
 * numbers the same print the same way, and a later listing always numbers above an earlier one.
 * Epoch 0 stands for "listing unknown" (recorded frames read without REST).
 */
export const EPOCH_SPAN = 2 ** 40;
/** Day 1 is 2017-01-01 (UTC); 2^53 / 2^40 = 8192 days last until 2039. */
const EPOCH_ORIGIN_MS = Date.UTC(2016, 11, 31);
const DAY_MS = 86_400_000;
export const MAX_EPOCH = Math.floor(Number.MAX_SAFE_INTEGER / EPOCH_SPAN) - 1;

/** What the mapper needs to know of an instrument beyond its frames. */
export interface Listing {
  /** 0: unknown. */
  readonly epoch: number;
  /** Swaps: the contract's value in `ctValCcy` (the base coin for linear swaps), e.g. "0.01". */
  readonly ctVal?: string;
}

export type Listings = (instId: string) => Listing | undefined;
export const NO_LISTINGS: Listings = () => undefined;

/** The epoch of a listing that began at `listTimeMs` (ms); 0 when OKX gave none. */
export function epochOf(listTimeMs: number | null): number {
  if (listTimeMs === null || !Number.isFinite(listTimeMs) || listTimeMs <= EPOCH_ORIGIN_MS) return 0;
  return Math.min(MAX_EPOCH, Math.floor((listTimeMs - EPOCH_ORIGIN_MS) / DAY_MS));
}

export function idOf(epoch: number, tradeId: number): number {
  return epoch * EPOCH_SPAN + tradeId;
}

/** exgate's id → (epoch, OKX tradeId). */
export function splitId(id: number): { readonly epoch: number; readonly tradeId: number } {
  const epoch = Math.floor(id / EPOCH_SPAN);
  return { epoch, tradeId: id - epoch * EPOCH_SPAN };
}

/**
 * Within one listing ids and times both grow; a fill whose `tradeId` is not above the last one
 * seen, yet is later in time, cannot belong to the same listing: the instrument was relisted.
 * (A repeat from a rotation overlap has an earlier or equal time.)
 */
export function isRelisting(last: { readonly tradeId: number; readonly timeMs: number } | undefined, tradeId: number, timeMs: number): boolean {
  return last !== undefined && tradeId <= last.tradeId && timeMs > last.timeMs;
}

/** A listTime (ms) whose epoch is `epoch`: noon of its day (the simulator lists its instruments so). */
export function listTimeOfEpoch(epoch: number): number {
  return EPOCH_ORIGIN_MS + epoch * DAY_MS + DAY_MS / 2;
}
