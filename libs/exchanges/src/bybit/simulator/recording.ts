import type { SimTrade } from '../../common/simulator/core';
import { exgateSymbol, LINEAR_SYMBOL, type Category } from '../constants';
import type { BybitPrint } from '../trade';

/** One fill of a recorded push, as the simulated exchange keeps it. */
export interface BybitSimPrint extends SimTrade, Omit<BybitPrint, 'symbol' | 'eventTimeMs' | 'receivedAtMs'> {
  readonly kind: 'trade';
  readonly category: Category;
  /** Bybit's spelling (`BTCUSDT`); `symbol` is exgate's (`BTCUSDT-SPOT` for spot). */
  readonly wire: string;
  /** The fill exactly as recorded (`T s S v p L i BT RPI seq`). */
  readonly item: Readonly<Record<string, unknown>>;
  /** Index of its push in the recording. */
  readonly frame: number;
  readonly lastOfFrame: boolean;
}

/** A recorded push: sent verbatim when every fill of it goes out. */
export interface RecordedFrame {
  readonly category: Category;
  readonly wire: string;
  readonly topic: string;
  readonly ts: number;
  readonly text: string;
  readonly count: number;
}

export interface Recording {
  /** Per exgate symbol, its fills in recorded order; `id` is the simulator's 1, 2, 3… */
  readonly timelines: ReadonlyMap<string, readonly BybitSimPrint[]>;
  readonly frames: readonly RecordedFrame[];
}

type RawItem = Readonly<Record<string, unknown>> & {
  T?: unknown; S?: unknown; v?: unknown; p?: unknown; i?: unknown; L?: unknown; BT?: unknown; RPI?: unknown;
};

/**
 * JSON lines of `publicTrade` pushes of any symbols and both markets → the simulator's timelines.
 * A push's market is Bybit's documented difference (`L` is derivatives only); other topics, lines
 * that are not pushes and inverse contracts (`BTCUSD`: sized in USD, not collected) are left out.
 */
export function recordingFromFrames(lines: readonly string[]): Recording {
  const timelines = new Map<string, BybitSimPrint[]>();
  const frames: RecordedFrame[] = [];
  for (const line of lines) {
    const push = pushOf(line);
    if (!push) continue;
    const { topic, ts, data } = push;
    const wire = topic.slice('publicTrade.'.length);
    const category: Category = data[0]!.L === undefined ? 'spot' : 'linear';
    const symbol = exgateSymbol(category, wire);
    if (category === 'linear' && !LINEAR_SYMBOL.test(symbol)) continue;
    const index = frames.length;
    frames.push({ category, wire, topic, ts, text: line, count: data.length });
    let timeline = timelines.get(symbol);
    if (!timeline) timelines.set(symbol, (timeline = []));
    for (const [n, item] of data.entries()) {
      timeline.push({
        symbol, kind: 'trade', id: timeline.length + 1, eventTimeMs: ts, category, wire, item,
        sourceId: String(item.i), price: String(item.p), size: String(item.v), takerSide: item.S === 'Sell' ? 'Sell' : 'Buy',
        blockTrade: item.BT === true, rpiTrade: item.RPI === true, tradeTimeMs: Number(item.T),
        frame: index, lastOfFrame: n === data.length - 1,
      });
    }
  }
  return { timelines, frames };
}

function pushOf(line: string): { topic: string; ts: number; data: RawItem[] } | null {
  if (!line.includes('publicTrade.')) return null;
  try {
    const v = JSON.parse(line) as { topic?: unknown; ts?: unknown; data?: unknown };
    if (typeof v.topic !== 'string' || !v.topic.startsWith('publicTrade.') || typeof v.ts !== 'number') return null;
    if (!Array.isArray(v.data) || v.data.length === 0 || !v.data.every((d) => typeof d === 'object' && d !== null)) return null;
    return { topic: v.topic, ts: v.ts, data: v.data as RawItem[] };
  } catch {
    return null;
  }
}

/** A push of some of a recorded push's fills (the others were skipped by a fault). */
export function pushText(frame: RecordedFrame, prints: readonly BybitSimPrint[]): string {
  if (prints.length === frame.count) return frame.text;
  return JSON.stringify({ topic: frame.topic, type: 'snapshot', ts: frame.ts, data: prints.map((p) => p.item) });
}
