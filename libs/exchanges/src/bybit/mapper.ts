import type { Trade } from '@exgate/domain';
import { isPlainDecimal, isPositiveDecimal } from '../common/decimal';
import { parseJson, reject, timestampProblem } from '../common/frame';
import type { FrameRejection, FrameResult } from '../types';
import { exgateSymbol, symbolPatternOf, TOPIC_PREFIX, type Category } from './constants';
import { commandAnswer, tradeItem, tradePush, type TradeItem } from './schemas';
import { fastTrades } from './fast-frame';
import { textTrades } from './text-frame';
import { bybitTrade } from './trade';

export { bybitTrade, countsInCandles, type BybitPrint } from './trade';

/**
 * Pure: one Bybit v5 public websocket frame → what it carries. Never throws. A connection knows
 * its category (one per path) and passes it; a recorded frame read on its own (`exgate candles`,
 * `--replay`) is placed by Bybit's documented difference: `L` (tick direction) is "unique field
 * for future", so a push with `L` is linear and one without is spot.
 */
export function parseFrame(raw: string, receivedAtMs: number, category?: Category): FrameResult {
  // Pushes as Bybit prints them are read from the text (text-frame.ts); the rest are parsed.
  const read = textTrades(raw, receivedAtMs, category);
  if (read) return { type: 'trades', trades: read };
  const parsed = parseJson(raw);
  if (!parsed.ok) return reject('invalid_json', parsed.error, raw);
  // Pushes as Bybit sends them take the fast path (fast-frame.ts: no zod); the full mapper decides the rest.
  const trades = fastTrades(parsed.value, receivedAtMs, category);
  return trades ? { type: 'trades', trades } : fromValue(parsed.value, raw, receivedAtMs, category);
}

/** The full mapper: JSON.parse, then the zod schemas. The fast path must agree with it. */
export function parseFrameFull(raw: string, receivedAtMs: number, category?: Category): FrameResult {
  const parsed = parseJson(raw);
  return parsed.ok ? fromValue(parsed.value, raw, receivedAtMs, category) : reject('invalid_json', parsed.error, raw);
}

function fromValue(value: unknown, raw: string, receivedAtMs: number, category: Category | undefined): FrameResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('schema', 'frame is not a JSON object', raw);
  if (!('topic' in value)) return control(value, raw);
  const push = tradePush.safeParse(value);
  if (!push.success) return reject('schema', describe(push.error.issues), raw);
  const { topic, ts, data } = push.data;
  if (!topic.startsWith(TOPIC_PREFIX)) return reject('unknown_stream', `topic "${topic.slice(0, 60)}" is not publicTrade`, raw);
  if (data.length === 0) return reject('schema', 'publicTrade push without trades', raw);
  const items: TradeItem[] = [];
  for (const [n, item] of data.entries()) {
    const one = tradeItem.safeParse(item);
    if (!one.success) return reject('schema', `data.${n}: ${describe(one.error.issues)}`, raw);
    items.push(one.data);
  }
  const market = category ?? (items[0]!.L === undefined ? 'spot' : 'linear');
  const wire = topic.slice(TOPIC_PREFIX.length);
  const trades: Trade[] = [];
  for (const item of items) {
    const problem = itemProblem(item, wire, market, ts, receivedAtMs);
    if (problem) return reject(problem.kind, problem.reason, raw);
    trades.push(toTrade(item, market, ts, receivedAtMs));
  }
  return { type: 'trades', trades };
}

/** Acks, refusals and pongs that reach the mapper (the connection settles the ones it awaits). */
function control(value: object, raw: string): FrameResult {
  const answer = commandAnswer.safeParse(value);
  if (!answer.success) {
    const op = (value as { op?: unknown }).op;
    // Option-style pong `{"op":"pong","args":[ms]}`.
    if (op === 'pong') return { type: 'control', detail: 'pong' };
    return reject('schema', 'neither a push (`topic`) nor a command answer (`op`, `success`)', raw);
  }
  const { success, ret_msg: message = '', op, req_id: id = '' } = answer.data;
  if (!success) return { type: 'control', detail: `error op=${op} req_id=${id}: ${message}` };
  if (op === 'ping') return { type: 'control', detail: 'pong' };
  return { type: 'control', detail: `ack op=${op} req_id=${id}` };
}

/** Checks shared by pushes and REST rows. */
export function valuesProblem(price: string, size: string, times: Readonly<Record<string, number>>, receivedAtMs: number): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (!isPositiveDecimal(price)) return { kind: 'bad_decimal', reason: `price "${price.slice(0, 40)}" is not a positive plain decimal` };
  if (!isPlainDecimal(size)) {
    const negative = size.startsWith('-') && isPlainDecimal(size.slice(1));
    return { kind: negative ? 'non_positive_quantity' : 'bad_decimal', reason: `size "${size.slice(0, 40)}" is ${negative ? 'negative' : 'not a plain decimal'}` };
  }
  if (!isPositiveDecimal(size)) return { kind: 'non_positive_quantity', reason: `size ${size} is zero` };
  for (const [field, ms] of Object.entries(times)) {
    const problem = timestampProblem(ms, receivedAtMs, field);
    if (problem) return { kind: 'absurd_timestamp', reason: problem };
  }
  return null;
}

function itemProblem(item: TradeItem, wire: string, category: Category, ts: number, receivedAtMs: number): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (item.s !== wire) return { kind: 'unknown_symbol', reason: `topic publicTrade.${wire.slice(0, 40)} carries "${item.s.slice(0, 40)}"` };
  if (!symbolPatternOf(category).test(exgateSymbol(category, item.s))) {
    return { kind: 'unknown_symbol', reason: `"${item.s.slice(0, 40)}" is not a Bybit ${category} symbol exgate collects` };
  }
  return valuesProblem(item.p, item.v, { T: item.T, ts }, receivedAtMs);
}

function toTrade(item: TradeItem, category: Category, ts: number, receivedAtMs: number): Trade {
  return bybitTrade({
    symbol: exgateSymbol(category, item.s), sourceId: item.i, price: item.p, size: item.v, takerSide: item.S,
    blockTrade: item.BT ?? false, rpiTrade: item.RPI ?? false, tradeTimeMs: item.T, eventTimeMs: ts, receivedAtMs,
  });
}

function describe(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
