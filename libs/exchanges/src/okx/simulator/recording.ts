import type { SimTrade } from '../../common/simulator/core';
import { SYMBOL_PATTERN, TRADES, TRADES_ALL } from '../constants';
import { epochOf, idOf } from '../listing';

/** One fill of the recording, as the simulated exchange keeps it. */
export interface OkxSimPrint extends SimTrade {
  readonly kind: 'trade';
  /** exgate's id: the listing's epoch above the tradeId (docs/adr/0017-okx-listing-epochs.md). */
  readonly id: number;
  readonly epoch: number;
  readonly tradeId: string;
  readonly px: string;
  readonly sz: string;
  readonly side: 'buy' | 'sell';
  readonly ts: string;
  readonly source?: '0' | '1';
  /** The recorded `trades-all` push when it held this fill alone: sent verbatim. */
  readonly verbatim: string | null;
}

/** A listing of an instrument in the recording: each restart of its tradeIds opens one. */
export interface SimListing {
  readonly epoch: number;
  /** When its first fill printed. */
  readonly firstMs: number;
}

export interface Recording {
  readonly timelines: ReadonlyMap<string, readonly OkxSimPrint[]>;
  readonly listings: ReadonlyMap<string, readonly SimListing[]>;
}

interface RawItem {
  instId?: unknown; tradeId?: unknown; px?: unknown; sz?: unknown; side?: unknown; ts?: unknown; source?: unknown;
}

/**
 * JSON lines of `trades-all` or `trades` pushes (any instruments) → the simulator's timelines. A
 * `trades` aggregate is kept as one fill. Where an instrument's tradeIds restart while time goes
 * on, a new listing begins, in a later epoch. Other channels, events and instruments exgate does
 * not collect (inverse swaps, futures) are left out.
 */
export function recordingFromFrames(lines: readonly string[]): Recording {
  const timelines = new Map<string, OkxSimPrint[]>();
  const listings = new Map<string, SimListing[]>();
  for (const line of lines) {
    const push = pushOf(line);
    if (!push) continue;
    for (const item of push.data) {
      const instId = String(item.instId);
      if (!SYMBOL_PATTERN.test(instId) || typeof item.tradeId !== 'string' || typeof item.ts !== 'string') continue;
      let timeline = timelines.get(instId);
      if (!timeline) timelines.set(instId, (timeline = []));
      let known = listings.get(instId);
      if (!known) listings.set(instId, (known = []));
      const prev = timeline[timeline.length - 1];
      const tradeId = Number(item.tradeId);
      if (prev && tradeId <= Number(prev.tradeId)) {
        // Equal time: a repeat in the recording, not a relisting.
        if (Number(item.ts) <= Number(prev.ts)) continue;
        known.push({ epoch: Math.max(prev.epoch + 1, epochOf(Number(item.ts))), firstMs: Number(item.ts) });
      } else if (!prev) known.push({ epoch: epochOf(Number(item.ts)), firstMs: Number(item.ts) });
      const epoch = known[known.length - 1]!.epoch;
      timeline.push({
        symbol: instId, kind: 'trade', id: idOf(epoch, tradeId), eventTimeMs: Number(item.ts), epoch,
        tradeId: item.tradeId, px: String(item.px), sz: String(item.sz), side: item.side === 'sell' ? 'sell' : 'buy', ts: item.ts,
        ...(item.source === '1' || item.source === '0' ? { source: item.source } : {}),
        verbatim: push.channel === TRADES_ALL && push.data.length === 1 ? line : null,
      });
    }
  }
  return { timelines, listings };
}

function pushOf(line: string): { channel: string; data: RawItem[] } | null {
  if (!line.includes('"data"')) return null;
  try {
    const v = JSON.parse(line) as { arg?: { channel?: unknown }; data?: unknown };
    const channel = v.arg?.channel;
    if ((channel !== TRADES_ALL && channel !== TRADES) || !Array.isArray(v.data)) return null;
    return { channel, data: v.data.filter((d): d is RawItem => typeof d === 'object' && d !== null) };
  } catch {
    return null;
  }
}

/** The push a subscriber of `channel` gets for one fill. */
export function pushText(p: OkxSimPrint, channel: string): string {
  if (channel === TRADES_ALL && p.verbatim !== null) return p.verbatim;
  const item = { instId: p.symbol, tradeId: p.tradeId, px: p.px, sz: p.sz, side: p.side, ts: p.ts, ...(p.source ? { source: p.source } : {}) };
  return JSON.stringify({ arg: { channel, instId: p.symbol }, data: [channel === TRADES ? { ...item, count: '1' } : item] });
}
