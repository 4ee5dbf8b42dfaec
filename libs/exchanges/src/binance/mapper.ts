import type { Kline, Trade, TradeKind } from '@exgate/domain';
import { isInterval, type IntervalId } from '@exgate/domain';
import { isPlainDecimal, isPositiveDecimal } from '../common/decimal';
import { parseJson, reject, timestampProblem } from '../common/frame';
import type { FrameRejection, FrameResult } from '../types';
import { createFastTradeReader } from './fast-frame';
import type { BinanceMarket } from './market';
import {
  aggTradeEvent, combinedFrame, commandError, commandResult, klineEvent, tradeEvent,
  type AggTradeEvent, type TradeEvent,
} from './schemas';

/**
 * Pure: one raw Binance websocket frame of `market` → what it carries. Never throws. Handles the
 * raw `trade` and `aggTrade` streams with or without the combined-stream wrapper, command answers,
 * and spot's `serverShutdown` notice (a planned disconnect: rotate now). Everything else is a typed
 * rejection the collector counts per kind.
 *
 * Trade frames as Binance sends them take the fast path (fast-frame.ts: no JSON.parse, no zod);
 * whatever it does not accept goes through the full mapper, which also words every rejection.
 */
export function createParseFrame(market: BinanceMarket): (raw: string, receivedAtMs: number) => FrameResult {
  const fast = createFastTradeReader(market);
  const full = createFullParseFrame(market);
  return (raw, receivedAtMs) => {
    const read = fast(raw, receivedAtMs);
    return read ? { type: 'trades', trades: [read] } : full(raw, receivedAtMs);
  };
}

/** The full mapper: JSON.parse, then the zod schemas. The fast path must agree with it. */
export function createFullParseFrame(market: BinanceMarket): (raw: string, receivedAtMs: number) => FrameResult {
  return (raw, receivedAtMs) => {
    const unwrapped = unwrap(raw);
    if ('result' in unwrapped) return unwrapped.result;
    const { data, stream } = unwrapped;
    const event = (data as { e?: unknown }).e;
    if (event === 'trade') return mapTrade(market, tradeEvent.safeParse(data), stream, raw, receivedAtMs);
    if (event === 'aggTrade') return mapTrade(market, aggTradeEvent.safeParse(data), stream, raw, receivedAtMs);
    if (event === 'serverShutdown') return { type: 'reconnect', detail: 'serverShutdown: the server closes this connection soon' };
    if (typeof event === 'string') return reject('unknown_stream', `event "${event}" is not a trade stream`, raw);
    return reject('schema', 'no event type `e`', raw);
  };
}

type Unwrapped = { result: FrameResult } | { data: object; stream: StreamRef | null };

interface StreamRef {
  readonly symbol: string;
  readonly suffix: string;
}

function unwrap(raw: string): Unwrapped {
  const parsed = parseJson(raw);
  if (!parsed.ok) return { result: reject('invalid_json', parsed.error, raw) };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { result: reject('schema', 'frame is not a JSON object', raw) };
  }
  const error = commandError.safeParse(value);
  if (error.success) {
    const { code, msg } = error.data.error;
    return { result: { type: 'control', detail: `error id=${String(error.data.id ?? null)} code=${code}: ${msg}` } };
  }
  if ('result' in value) {
    const answer = commandResult.safeParse(value);
    if (answer.success) {
      const what = answer.data.result === null ? 'ack' : `result ${JSON.stringify(answer.data.result)}`;
      return { result: { type: 'control', detail: `${what} id=${String(answer.data.id)}` } };
    }
  }
  // The WebSocket API wraps connection events: {"event":{"e":"serverShutdown","E":…}}.
  if ('event' in value && typeof value.event === 'object' && value.event !== null) return { data: value.event, stream: null };
  if (!('stream' in value)) return { data: value, stream: null };
  const combined = combinedFrame.safeParse(value);
  if (!combined.success || typeof combined.data.data !== 'object' || combined.data.data === null) {
    return { result: reject('schema', 'combined frame without an object `data`', raw) };
  }
  const at = combined.data.stream.indexOf('@');
  const stream = at < 0 ? { symbol: '', suffix: combined.data.stream } : {
    symbol: combined.data.stream.slice(0, at),
    suffix: combined.data.stream.slice(at + 1),
  };
  return { data: combined.data.data, stream };
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };

function mapTrade(
  market: BinanceMarket,
  parsed: Parsed<TradeEvent> | Parsed<AggTradeEvent>,
  stream: StreamRef | null,
  raw: string,
  receivedAtMs: number,
): FrameResult {
  if (!parsed.success) return reject('schema', describeIssues(parsed.error.issues), raw);
  const ev = parsed.data;
  if (ev.e === 'aggTrade' && ev.l < ev.f) return reject('schema', `aggTrade last id ${ev.l} < first id ${ev.f}`, raw);
  if (stream && stream.suffix !== ev.e) {
    return reject(stream.suffix === 'trade' || stream.suffix === 'aggTrade' ? 'schema' : 'unknown_stream',
      `stream "@${stream.suffix}" carries a "${ev.e}" event`, raw);
  }
  if (!market.symbolPattern.test(ev.s)) return reject('unknown_symbol', `symbol "${ev.s.slice(0, 40)}" is not a ${market.name} symbol`, raw);
  if (stream && stream.symbol !== ev.s.toLowerCase()) {
    return reject('unknown_symbol', `stream symbol "${stream.symbol}" carries "${ev.s}"`, raw);
  }
  const problem = valueProblem(ev.p, ev.q, ev.T, ev.E, receivedAtMs);
  if (problem) return reject(problem.kind, problem.reason, raw);
  return { type: 'trades', trades: [ev.e === 'trade' ? fromTradeEvent(market, ev, receivedAtMs) : fromAggTradeEvent(market, ev, receivedAtMs)] };
}

/** Checks shared by websocket frames and REST rows. */
export function valueProblem(
  price: string,
  qty: string,
  tradeTimeMs: number,
  eventTimeMs: number,
  receivedAtMs: number,
): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (!isPositiveDecimal(price)) return { kind: 'bad_decimal', reason: `price "${price.slice(0, 40)}" is not a positive plain decimal` };
  if (!isPlainDecimal(qty)) {
    const negative = qty.startsWith('-') && isPlainDecimal(qty.slice(1));
    return negative
      ? { kind: 'non_positive_quantity', reason: `quantity ${qty} is negative` }
      : { kind: 'bad_decimal', reason: `quantity "${qty.slice(0, 40)}" is not a plain decimal` };
  }
  if (!isPositiveDecimal(qty)) return { kind: 'non_positive_quantity', reason: `quantity ${qty} is zero` };
  const time = timestampProblem(tradeTimeMs, receivedAtMs, 'T') ?? timestampProblem(eventTimeMs, receivedAtMs, 'E');
  return time ? { kind: 'absurd_timestamp', reason: time } : null;
}

function fromTradeEvent(m: BinanceMarket, ev: TradeEvent, receivedAtMs: number): Trade {
  // Futures prints carry `X`: only MARKET ones are in Binance's klines. Spot prints have none.
  return trade(m.exchange, ev.s, 'trade', ev.t, ev.t, ev.t, ev.p, ev.q, ev.m, ev.X === undefined || ev.X === 'MARKET', ev.T, ev.E, receivedAtMs);
}

function fromAggTradeEvent(m: BinanceMarket, ev: AggTradeEvent, receivedAtMs: number): Trade {
  // Binance aggregates market fills only: insurance-fund and ADL fills never appear in aggTrades.
  return trade(m.exchange, ev.s, 'aggTrade', ev.a, ev.f, ev.l, ev.p, ev.q, ev.m, true, ev.T, ev.E, receivedAtMs);
}

export function trade(
  exchange: string, symbol: string, kind: TradeKind, id: number, firstTradeId: number, lastTradeId: number,
  price: string, qty: string, isBuyerMaker: boolean, market: boolean,
  exchangeTimeMs: number, eventTimeMs: number, receivedAtMs: number,
): Trade {
  return {
    exchange, symbol, kind, id, firstTradeId, lastTradeId, price, qty,
    isBuyerMaker, market, exchangeTimeMs, eventTimeMs, receivedAtMs,
  };
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

// ---- kline stream ----

export type KlineFrameResult =
  | {
      readonly type: 'kline';
      readonly symbol: string;
      readonly interval: IntervalId;
      /** `x`: Binance closed this candle; false while it is forming. */
      readonly closed: boolean;
      readonly kline: Kline;
      readonly firstTradeId: number;
      readonly lastTradeId: number;
      readonly eventTimeMs: number;
      readonly receivedAtMs: number;
    }
  | Exclude<FrameResult, { type: 'trades' }>;

/** Pure: a `<symbol>@kline_<interval>` frame (wrapped or not) → Binance's own candle. Never throws. */
export function parseKlineFrame(raw: string, receivedAtMs: number, symbolPattern = /^[A-Z0-9_]{2,32}$/): KlineFrameResult {
  const unwrapped = unwrap(raw);
  if ('result' in unwrapped) {
    const r = unwrapped.result;
    return r.type === 'trades' ? reject('unknown_stream', 'a trade frame, not a kline', raw) : r;
  }
  const event = (unwrapped.data as { e?: unknown }).e;
  if (event !== 'kline') return reject('unknown_stream', `event "${String(event)}" is not a kline`, raw);
  const parsed = klineEvent.safeParse(unwrapped.data);
  if (!parsed.success) return reject('schema', describeIssues(parsed.error.issues), raw);
  const { k, s, E } = parsed.data;
  if (!symbolPattern.test(s)) return reject('unknown_symbol', `symbol "${s.slice(0, 40)}" is not a Binance symbol`, raw);
  if (!isInterval(k.i)) return reject('schema', `unknown interval "${k.i}"`, raw);
  const decimals = [k.o, k.h, k.l, k.c, k.v, k.q, k.V, k.Q];
  if (!decimals.every(isPlainDecimal)) return reject('bad_decimal', 'kline value is not a plain decimal', raw);
  const time = timestampProblem(k.t, receivedAtMs, 'k.t') ?? timestampProblem(E, receivedAtMs, 'E');
  if (time) return reject('absurd_timestamp', time, raw);
  return {
    type: 'kline', symbol: s, interval: k.i, closed: k.x, firstTradeId: k.f, lastTradeId: k.L, eventTimeMs: E, receivedAtMs,
    kline: {
      openTimeMs: k.t, closeTimeMs: k.T, open: k.o, high: k.h, low: k.l, close: k.c, volume: k.v,
      quoteVolume: k.q, takerBuyVolume: k.V, takerBuyQuoteVolume: k.Q, tradeCount: k.n,
    },
  };
}
