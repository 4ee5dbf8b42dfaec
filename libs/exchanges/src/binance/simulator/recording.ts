import Decimal from 'decimal.js';
import type { TradeKind } from '@exgate/domain';
import { scaleOf } from '../../common/decimal';
import { streamName } from '../market';

/** One print as the simulated exchange knows it: what to send, and what REST serves from it. */
export interface SimPrint {
  readonly symbol: string;
  readonly kind: TradeKind;
  readonly id: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly price: string;
  readonly qty: string;
  readonly isBuyerMaker: boolean;
  /** False for insurance-fund/ADL fills: on the trade stream, never in aggTrades, REST trades or klines. */
  readonly market: boolean;
  readonly tradeTimeMs: number;
  readonly eventTimeMs: number;
  /** The frame for `/stream` connections: the recorded line itself when it was combined. */
  readonly combined: string;
  /** The frame for `/ws` connections (no wrapper). */
  readonly raw: string;
}

export interface SymbolRecording {
  /** `<symbol>@trade` frames: JSON lines (combined-stream wrapper or not), or prints read from them already. */
  readonly trade?: readonly (string | SimPrint)[];
  /** `<symbol>@aggTrade` frames, likewise; synthesised from `trade` when absent. */
  readonly aggTrade?: readonly (string | SimPrint)[];
  /** Binance's published 1m klines (CSV rows of the monthly archives, header optional). */
  readonly klines1m?: readonly string[];
}

interface RawEvent {
  readonly e: string;
  readonly E: number;
  readonly T: number;
  readonly s: string;
  readonly p: string;
  readonly q: string;
  readonly m: boolean;
  readonly t?: number;
  readonly a?: number;
  readonly f?: number;
  readonly l?: number;
  readonly X?: string;
}

type RecordedLine = { stream?: string; data?: RawEvent } & RawEvent;

/**
 * A combined-stream trade frame as Binance spells it: every key once, in Binance's order, numbers
 * without leading zeros or fractions (15 digits at most: exact as doubles), strings without
 * escapes. What JSON.parse makes of such a line is exactly what the groups say.
 */
const CANONICAL_TRADE =
  /^\{"stream":"([a-z0-9]+@trade)","data":\{"e":"trade","E":(0|[1-9]\d{0,14}),"T":(0|[1-9]\d{0,14}),"s":"([A-Z0-9]+)","t":(0|[1-9]\d{0,14}),"p":"([0-9.]+)","q":"([0-9.]+)","X":"([A-Z_]+)","m":(true|false)\}\}$/;

/**
 * A recorded line as JSON.parse reads it; a line in Binance's own spelling of a trade frame is
 * read by one regular expression instead, in half the time (a million lines: 0.5 s against 1.1 s).
 */
export function readLine(line: string): RecordedLine {
  const m = CANONICAL_TRADE.exec(line);
  if (m === null) return JSON.parse(line) as RecordedLine;
  const data: RawEvent = { e: 'trade', E: Number(m[2]), T: Number(m[3]), s: m[4]!, t: Number(m[5]), p: m[6]!, q: m[7]!, X: m[8]!, m: m[9] === 'true' };
  return { stream: m[1]!, data } as RecordedLine;
}

/**
 * A recorded print. Its frames are the recorded line, or made from it when asked: a replay of a
 * million prints sends one of the two, and made up front they were most of its start-up (a parse
 * and two serialisations a print, and their garbage).
 */
class RecordedPrint implements SimPrint {
  readonly id: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly price: string;
  readonly qty: string;
  readonly isBuyerMaker: boolean;
  readonly market: boolean;
  readonly tradeTimeMs: number;
  readonly eventTimeMs: number;

  constructor(readonly symbol: string, readonly kind: TradeKind, data: RawEvent, private readonly line: string, private readonly wrapped: boolean) {
    this.id = kind === 'trade' ? data.t! : data.a!;
    this.firstTradeId = kind === 'trade' ? this.id : data.f!;
    this.lastTradeId = kind === 'trade' ? this.id : data.l!;
    this.price = data.p;
    this.qty = data.q;
    this.isBuyerMaker = data.m;
    this.market = kind === 'aggTrade' || data.X === undefined || data.X === 'MARKET';
    this.tradeTimeMs = data.T;
    this.eventTimeMs = data.E;
  }

  get combined(): string {
    return this.wrapped ? this.line : JSON.stringify({ stream: streamName(this.symbol, this.kind), data: this.event() });
  }

  get raw(): string {
    return JSON.stringify(this.event());
  }

  private event(): RawEvent {
    const parsed = readLine(this.line);
    return parsed.data ?? parsed;
  }
}

/** A synthesised aggTrade; its frames are made when asked, as a recorded print's are. */
class AggregatedPrint implements SimPrint {
  readonly kind = 'aggTrade';
  readonly market = true;

  constructor(
    readonly symbol: string,
    readonly id: number,
    readonly firstTradeId: number,
    readonly lastTradeId: number,
    readonly price: string,
    readonly qty: string,
    readonly isBuyerMaker: boolean,
    readonly tradeTimeMs: number,
    readonly eventTimeMs: number,
  ) {}

  get raw(): string {
    return JSON.stringify({
      e: 'aggTrade', E: this.eventTimeMs, a: this.id, s: this.symbol, p: this.price, q: this.qty,
      f: this.firstTradeId, l: this.lastTradeId, T: this.tradeTimeMs, m: this.isBuyerMaker,
    });
  }

  get combined(): string {
    return `{"stream":"${streamName(this.symbol, 'aggTrade')}","data":${this.raw}}`;
  }
}

export function parseRecorded(symbol: string, kind: TradeKind, line: string): SimPrint {
  return recordedOf(symbol, kind, readLine(line), line);
}

function recordedOf(symbol: string, kind: TradeKind, parsed: RecordedLine, line: string): SimPrint {
  const data = parsed.data ?? parsed;
  if (data.e !== kind || data.s !== symbol) throw new Error(`recording of ${symbol}@${kind} holds ${data.s}@${data.e}: ${line.slice(0, 120)}`);
  return new RecordedPrint(symbol, kind, data, line, parsed.data !== undefined && parsed.data !== null);
}

/** A print of the recording, read now if it is still a line; refused when it is not the symbol's kind. */
function printOf(symbol: string, kind: TradeKind, entry: string | SimPrint): SimPrint {
  if (typeof entry === 'string') return parseRecorded(symbol, kind, entry);
  if (entry.kind !== kind || entry.symbol !== symbol) throw new Error(`recording of ${symbol}@${kind} holds ${entry.symbol}@${entry.kind}: ${entry.combined.slice(0, 120)}`);
  return entry;
}

/**
 * Binance's aggregation rule for USDⓈ-M: consecutive market fills at the same price, same taker side
 * and same trade time (one taker order sweeping makers) form one aggTrade; insurance-fund and ADL
 * fills are never aggregated. Ids are assigned in sequence from `firstAggTradeId`.
 */
export function synthesizeAggTrades(trades: readonly SimPrint[], firstAggTradeId: number): SimPrint[] {
  const out: SimPrint[] = [];
  let run: SimPrint[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    out.push(aggregate(run, firstAggTradeId + out.length));
    run = [];
  };
  for (const t of trades) {
    const head = run[0];
    if (!t.market) {
      flush();
      continue;
    }
    if (head && (head.price !== t.price || head.isBuyerMaker !== t.isBuyerMaker || head.tradeTimeMs !== t.tradeTimeMs)) flush();
    run.push(t);
  }
  flush();
  return out;
}

/** Plain decimals Decimal holds exactly at its default precision (20 digits): their sum of one is themselves. */
const EXACT_PLAIN = /^(?=[0-9.]{1,20}$)(0|[1-9]\d*)(\.\d+)?$/;

function aggregate(run: readonly SimPrint[], id: number): SimPrint {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  // Most aggTrades are one fill; summing each by Decimal was about a seventh of a replay's start-up.
  const qty = run.length === 1 && EXACT_PLAIN.test(first.qty)
    ? first.qty
    : run.reduce((sum, t) => sum.plus(t.qty), new Decimal(0)).toFixed(Math.max(...run.map((t) => scaleOf(t.qty))));
  return new AggregatedPrint(first.symbol, id, first.id, last.id, first.price, qty, first.isBuyerMaker, first.tradeTimeMs, last.eventTimeMs);
}

/**
 * The symbol's prints in the order the exchange sends them: recorded order per kind, kinds merged
 * by event time; a synthesised aggTrade follows the last fill it contains.
 */
export function buildTimeline(symbol: string, rec: SymbolRecording, firstAggTradeId: number): SimPrint[] {
  const trades = (rec.trade ?? []).map((entry) => printOf(symbol, 'trade', entry));
  if (rec.aggTrade) return mergeByEventTime(trades, rec.aggTrade.map((entry) => printOf(symbol, 'aggTrade', entry)));
  const aggs = synthesizeAggTrades(trades, firstAggTradeId);
  const out: SimPrint[] = [];
  let next = 0;
  for (const t of trades) {
    out.push(t);
    while (aggs[next] && aggs[next]!.lastTradeId === t.id) out.push(aggs[next++]!);
  }
  return out;
}

function mergeByEventTime(a: readonly SimPrint[], b: readonly SimPrint[]): SimPrint[] {
  const out: SimPrint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.eventTimeMs <= b[j]!.eventTimeMs)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * A capture file (JSON lines of trade/aggTrade frames of any symbols, wrapped or not) → recordings
 * per symbol, e.g. for `--replay FILE`, each line read once. Lines of other streams (kline, depth)
 * are left out.
 */
export function recordingsFromFrames(lines: readonly string[]): Record<string, SymbolRecording> {
  const out: Record<string, { trade?: SimPrint[]; aggTrade?: SimPrint[] }> = {};
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = readLine(line);
    const data = (parsed.data ?? parsed) as { e?: unknown; s?: unknown };
    if ((data.e !== 'trade' && data.e !== 'aggTrade') || typeof data.s !== 'string') continue;
    const rec = (out[data.s] ??= {});
    (rec[data.e] ??= []).push(recordedOf(data.s, data.e, parsed, line));
  }
  return out;
}
