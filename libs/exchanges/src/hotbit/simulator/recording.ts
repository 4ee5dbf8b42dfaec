import type { SimTrade } from '../../common/simulator/core';
import { LIMITS } from '../constants';
import { microsFromSecondsText, secondsText, timeTexts } from '../time';

/** One deal as the simulated exchange knows it. */
export interface SimDeal extends SimTrade {
  /** The websocket market name, e.g. `BTCUSDT`. */
  readonly symbol: string;
  readonly kind: 'trade';
  readonly id: number;
  readonly micros: number;
  /** The time as the recording wrote it (jansson's `%.17g`). */
  readonly timeText: string;
  readonly price: string;
  readonly amount: string;
  /** The taker's side. */
  readonly type: 'buy' | 'sell';
  readonly eventTimeMs: number;
}

interface RawDeal {
  readonly id: number;
  readonly price: string;
  readonly amount: string;
  readonly type: 'buy' | 'sell';
}

/**
 * A recording (JSON lines of HotBit websocket frames, any markets) → each market's deals, oldest
 * first, each once (pushes overlap: the first after a subscribe repeats up to 100). Frames other
 * than `deals.update` (requests, answers, other pushes) are left out; a line that is not JSON is
 * a broken recording and throws.
 */
export function dealsFromFrames(lines: readonly string[]): Map<string, SimDeal[]> {
  return readRecording(lines).deals;
}

export interface Recording {
  readonly deals: Map<string, SimDeal[]>;
  /** The most deals one recorded push carried. */
  readonly largestPush: number;
}

/** dealsFromFrames, and the most deals one recorded push carried. */
export function readRecording(lines: readonly string[]): Recording {
  const byMarket = new Map<string, Map<number, SimDeal>>();
  let largestPush = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const frame = JSON.parse(line) as { method?: unknown; params?: unknown };
    if (frame.method !== 'deals.update' || !Array.isArray(frame.params)) continue;
    const [market, deals] = frame.params as [unknown, unknown];
    if (typeof market !== 'string' || !Array.isArray(deals)) continue;
    const texts = timeTexts(line);
    if (texts.length !== deals.length) throw new Error(`recording: the deals' times do not line up: ${line.slice(0, 120)}`);
    largestPush = Math.max(largestPush, deals.length);
    const known = byMarket.get(market) ?? new Map<number, SimDeal>();
    byMarket.set(market, known);
    (deals as RawDeal[]).forEach((d, i) => {
      const micros = microsFromSecondsText(texts[i]!);
      if (micros === null) throw new Error(`recording: deal ${d.id} has time ${texts[i]}`);
      known.set(d.id, simDeal(market, d.id, micros, d.price, d.amount, d.type, texts[i]));
    });
  }
  const deals = new Map([...byMarket].map(([market, known]) => [market, [...known.values()].sort((a, b) => a.id - b.id)]));
  return { deals, largestPush };
}

export function simDeal(symbol: string, id: number, micros: number, price: string, amount: string, type: 'buy' | 'sell', timeText = secondsText(micros)): SimDeal {
  return { symbol, kind: 'trade', id, micros, timeText, price, amount, type, eventTimeMs: Math.floor(micros / 1000) };
}

/** A deal as ViaBTC writes it: `{"id":…,"time":…,"price":"…","amount":"…","type":"…"}`. */
export function dealJson(d: SimDeal, timeText = d.timeText): string {
  return `{"id":${d.id},"time":${timeText},"price":${JSON.stringify(d.price)},"amount":${JSON.stringify(d.amount)},"type":"${d.type}"}`;
}

/** `deals.update` of `deals` (given newest first). */
export function dealsUpdateFrame(market: string, newestFirst: readonly SimDeal[]): string {
  return `{"method":"deals.update","params":[${JSON.stringify(market)},[${newestFirst.map((d) => dealJson(d)).join(',')}]],"id":null}`;
}

export interface FromBinanceOptions {
  /** The first deal id: one counter for every market, as ViaBTC's matching engine has. */
  readonly firstId?: number;
  /** One push per market and poll window, as ViaBTC's gateway polls (0.5 s). */
  readonly dealsIntervalMs?: number;
}

interface BinanceTrade {
  readonly e?: string;
  readonly s: string;
  readonly T: number;
  readonly p: string;
  readonly q: string;
  readonly m: boolean;
  readonly X?: string;
}

/**
 * Volume for tests and replays: real Binance prints (trade or aggTrade frames, any symbols,
 * wrapped or not) re-encoded as HotBit would have sent them. Not HotBit data: HotBit left no
 * public capture. Deals take ids from one counter across markets in time order; times keep
 * Binance's ms (µs zero); `type` is the taker's side (`m` → sell); Binance's non-MARKET fills are
 * left out (ViaBTC has none). Each market's deals of one poll window form one push, newest first.
 */
export function hotbitFramesFromBinance(lines: readonly string[], o: FromBinanceOptions = {}): string[] {
  const prints: BinanceTrade[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as { data?: BinanceTrade } & BinanceTrade;
    const t = parsed.data ?? parsed;
    if ((t.e !== 'trade' && t.e !== 'aggTrade') || (t.X !== undefined && t.X !== 'MARKET')) continue;
    prints.push(t);
  }
  // Stable: prints of one time keep the capture's order.
  const ordered = prints.map((t, i) => [t, i] as const).sort(([a, i], [b, j]) => a.T - b.T || i - j);
  const interval = o.dealsIntervalMs ?? LIMITS.dealsIntervalMs;
  let nextId = o.firstId ?? 1_000_000_000;
  const pushes = new Map<string, { window: number; market: string; deals: SimDeal[] }>();
  for (const [t] of ordered) {
    const window = Math.floor(t.T / interval);
    const key = `${window}:${t.s}`;
    const push = pushes.get(key) ?? { window, market: t.s, deals: [] };
    pushes.set(key, push);
    push.deals.push(simDeal(t.s, nextId++, t.T * 1000, t.p, t.q, t.m ? 'sell' : 'buy'));
  }
  return [...pushes.values()]
    .sort((a, b) => a.window - b.window || a.deals[0]!.id - b.deals[0]!.id)
    .map((p) => dealsUpdateFrame(p.market, [...p.deals].reverse()));
}
