import type { SimTrade } from '../../common/simulator/core';
import { MATCH_CHANNEL, SYMBOL_PATTERN } from '../constants';
import { isoMs } from '../mapper';

/** One recorded match, as the simulated exchange keeps it. */
export interface IntxSimPrint extends SimTrade {
  readonly kind: 'trade';
  /** The MATCH message as recorded; `sequence` is replaced by each connection's own. */
  readonly message: Readonly<Record<string, unknown>>;
  readonly matchId: string;
  readonly price: string;
  readonly qty: string;
  readonly side: string;
  readonly timeMs: number;
}

/**
 * JSON lines of MATCH messages (any instruments; recorded sequences are ignored) → per
 * instrument, its matches in recorded order, numbered 1, 2, 3… Lines that are not MATCH
 * messages are left out.
 */
export function recordingFromFrames(lines: readonly string[]): Map<string, IntxSimPrint[]> {
  const timelines = new Map<string, IntxSimPrint[]>();
  for (const line of lines) {
    if (!line.includes(MATCH_CHANNEL)) continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof v !== 'object' || v === null || v.channel !== MATCH_CHANNEL) continue;
    const symbol = typeof v.product_id === 'string' ? v.product_id : '';
    const timeMs = typeof v.time === 'string' ? isoMs(v.time) : null;
    if (!SYMBOL_PATTERN.test(symbol) || timeMs === null || typeof v.match_id !== 'string') continue;
    let timeline = timelines.get(symbol);
    if (!timeline) timelines.set(symbol, (timeline = []));
    const { _source: _omit, ...message } = v;
    timeline.push({
      symbol, kind: 'trade', id: timeline.length + 1, eventTimeMs: timeMs, message,
      matchId: v.match_id, price: String(v.trade_price), qty: String(v.trade_qty), side: String(v.aggressor_side), timeMs,
    });
  }
  return timelines;
}
