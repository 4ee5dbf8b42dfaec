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
  /** JSON lines of `<symbol>@trade` frames, combined-stream wrapper or not. */
  readonly trade?: readonly string[];
  /** JSON lines of `<symbol>@aggTrade` frames; synthesised from `trade` when absent. */
  readonly aggTrade?: readonly string[];
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

export function parseRecorded(symbol: string, kind: TradeKind, line: string): SimPrint {
  const parsed = JSON.parse(line) as { stream?: string; data?: RawEvent } & RawEvent;
  const data = parsed.data ?? parsed;
  if (data.e !== kind || data.s !== symbol) throw new Error(`recording of ${symbol}@${kind} holds ${data.s}@${data.e}: ${line.slice(0, 120)}`);
  const id = kind === 'trade' ? data.t! : data.a!;
  return {
    symbol, kind, id,
    firstTradeId: kind === 'trade' ? id : data.f!,
    lastTradeId: kind === 'trade' ? id : data.l!,
    price: data.p, qty: data.q, isBuyerMaker: data.m,
    market: kind === 'aggTrade' || data.X === undefined || data.X === 'MARKET',
    tradeTimeMs: data.T, eventTimeMs: data.E,
    combined: parsed.data ? line : JSON.stringify({ stream: streamName(symbol, kind), data }),
    raw: JSON.stringify(data),
  };
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

function aggregate(run: readonly SimPrint[], id: number): SimPrint {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const scale = Math.max(...run.map((t) => scaleOf(t.qty)));
  const qty = run.reduce((sum, t) => sum.plus(t.qty), new Decimal(0)).toFixed(scale);
  const data = {
    e: 'aggTrade', E: last.eventTimeMs, a: id, s: first.symbol, p: first.price, q: qty,
    f: first.id, l: last.id, T: first.tradeTimeMs, m: first.isBuyerMaker,
  };
  const raw = JSON.stringify(data);
  return {
    symbol: first.symbol, kind: 'aggTrade', id, firstTradeId: first.id, lastTradeId: last.id,
    price: first.price, qty, isBuyerMaker: first.isBuyerMaker, market: true,
    tradeTimeMs: first.tradeTimeMs, eventTimeMs: last.eventTimeMs,
    combined: `{"stream":"${streamName(first.symbol, 'aggTrade')}","data":${raw}}`, raw,
  };
}

/**
 * The symbol's prints in the order the exchange sends them: recorded order per kind, kinds merged
 * by event time; a synthesised aggTrade follows the last fill it contains.
 */
export function buildTimeline(symbol: string, rec: SymbolRecording, firstAggTradeId: number): SimPrint[] {
  const trades = (rec.trade ?? []).map((l) => parseRecorded(symbol, 'trade', l));
  if (rec.aggTrade) return mergeByEventTime(trades, rec.aggTrade.map((l) => parseRecorded(symbol, 'aggTrade', l)));
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
 * per symbol, e.g. for `--replay FILE`. Lines of other streams (kline, depth) are left out.
 */
export function recordingsFromFrames(lines: readonly string[]): Record<string, SymbolRecording> {
  const out: Record<string, { trade?: string[]; aggTrade?: string[] }> = {};
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as { data?: { e?: unknown; s?: unknown }; e?: unknown; s?: unknown };
    const data = parsed.data ?? parsed;
    if ((data.e !== 'trade' && data.e !== 'aggTrade') || typeof data.s !== 'string') continue;
    const rec = (out[data.s] ??= {});
    (rec[data.e] ??= []).push(line);
  }
  return out;
}
