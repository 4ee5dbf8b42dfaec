import type { Trade } from '@exgate/domain';
import { isPlainDecimal, isPositiveDecimal } from '../common/decimal';
import { parseJson, reject, timestampProblem } from '../common/frame';
import type { FrameRejection, FrameResult } from '../types';
import { SYMBOL_PATTERN } from './constants';
import { fastDeals } from './fast-frame';
import { dealsUpdate, hotbitResponse, type HotbitDeal } from './schemas';
import { msFromSecondsText, timeTexts } from './time';
import { dealTrade } from './trade';

/** Pushes of streams exgate does not collect: counted as another stream, not as malformed. */
const OTHER_PUSHES = new Set([
  'kline.update', 'depth.update', 'price.update', 'state.update', 'today.update', 'order.update', 'asset.update',
]);

/**
 * Pure: one HotBit websocket frame (already gunzipped) → what it carries. Never throws.
 * `deals.update` pushes become trades in ascending id order (HotBit sends them newest first);
 * answers (acks, pongs, errors) are control frames; everything else is a typed rejection.
 */
export function parseFrame(raw: string, receivedAtMs: number): FrameResult {
  const parsed = parseJson(raw);
  if (!parsed.ok) return reject('invalid_json', parsed.error, raw);
  // Pushes as HotBit sends them take the fast path (fast-frame.ts: no zod); the full mapper decides the rest.
  const trades = fastDeals(parsed.value, raw, receivedAtMs);
  return trades ? { type: 'trades', trades } : fromValue(parsed.value, raw, receivedAtMs);
}

/** The full mapper: JSON.parse, then the zod schemas. The fast path must agree with it. */
export function parseFrameFull(raw: string, receivedAtMs: number): FrameResult {
  const parsed = parseJson(raw);
  return parsed.ok ? fromValue(parsed.value, raw, receivedAtMs) : reject('invalid_json', parsed.error, raw);
}

function fromValue(value: unknown, raw: string, receivedAtMs: number): FrameResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('schema', 'frame is not a JSON object', raw);
  if ('method' in value) return parsePush(value as { method: unknown; id?: unknown }, raw, receivedAtMs);
  const answer = hotbitResponse.safeParse(value);
  if (!answer.success) return reject('schema', `neither a push nor an answer: ${describeIssues(answer.error.issues)}`, raw);
  const { error, result, id } = answer.data;
  if (error) return { type: 'control', detail: `error id=${String(id)} code=${error.code}: ${error.message}` };
  if (result === 'pong') return { type: 'control', detail: `pong id=${String(id)}` };
  const status = (result as { status?: unknown } | null)?.status;
  return { type: 'control', detail: status === 'success' ? `ack id=${String(id)}` : `result id=${String(id)}` };
}

function parsePush(value: { method: unknown; id?: unknown }, raw: string, receivedAtMs: number): FrameResult {
  const { method } = value;
  if (method !== 'deals.update') {
    if (typeof method === 'string' && OTHER_PUSHES.has(method) && value.id === null) return reject('unknown_stream', `"${method}" is not a trade stream`, raw);
    return reject('schema', `"${String(method).slice(0, 40)}" is not a push this exchange sends`, raw);
  }
  const push = dealsUpdate.safeParse(value);
  if (!push.success) return reject('schema', describeIssues(push.error.issues), raw);
  const [market, deals] = push.data.params;
  if (deals.length === 0) return { type: 'control', detail: `deals.update of ${market.slice(0, 40)} without deals` };
  const trades = tradesFromDeals(market, deals, timeTexts(raw), receivedAtMs);
  return 'kind' in trades ? reject(trades.kind, trades.reason, raw) : { type: 'trades', trades };
}

export type DealProblem = Pick<FrameRejection, 'kind' | 'reason'>;

/**
 * Deals newest first (a push, or a `market.deals` page) → trades oldest first, or the first
 * problem. `texts` are the JSON texts of the deals' times, in the same order as `deals`.
 */
export function tradesFromDeals(market: string, deals: readonly HotbitDeal[], texts: readonly string[], receivedAtMs: number): Trade[] | DealProblem {
  if (!SYMBOL_PATTERN.test(market)) return { kind: 'unknown_symbol', reason: `market "${market.slice(0, 40)}" is not a HotBit websocket market name` };
  if (texts.length !== deals.length || deals.some((d, i) => Number(texts[i]) !== d.time)) {
    return { kind: 'schema', reason: 'the deals\' "time" members do not line up with the deals' };
  }
  const trades: Trade[] = [];
  for (let i = deals.length - 1; i >= 0; i--) {
    const d = deals[i]!;
    const previous = deals[i + 1];
    if (previous && previous.id >= d.id) return { kind: 'schema', reason: `deals are not newest first: id ${d.id} after ${previous.id}` };
    if (!Number.isSafeInteger(d.id)) return { kind: 'schema', reason: `deal id ${d.id} is beyond 2^53` };
    const problem = valueProblem(d, texts[i]!, receivedAtMs);
    if (problem) return problem;
    trades.push(dealTrade(market, d, msFromSecondsText(texts[i]!)!, receivedAtMs));
  }
  return trades;
}

function valueProblem(d: HotbitDeal, timeText: string, receivedAtMs: number): DealProblem | null {
  if (!isPositiveDecimal(d.price)) return { kind: 'bad_decimal', reason: `deal ${d.id}: price "${d.price.slice(0, 40)}" is not a positive plain decimal` };
  if (!isPlainDecimal(d.amount)) {
    const negative = d.amount.startsWith('-') && isPlainDecimal(d.amount.slice(1));
    return negative
      ? { kind: 'non_positive_quantity', reason: `deal ${d.id}: amount ${d.amount} is negative` }
      : { kind: 'bad_decimal', reason: `deal ${d.id}: amount "${d.amount.slice(0, 40)}" is not a plain decimal` };
  }
  if (!isPositiveDecimal(d.amount)) return { kind: 'non_positive_quantity', reason: `deal ${d.id}: amount ${d.amount} is zero` };
  const ms = msFromSecondsText(timeText);
  if (ms === null) return { kind: 'absurd_timestamp', reason: `deal ${d.id}: time ${timeText.slice(0, 40)} is not plain seconds` };
  const time = timestampProblem(ms, receivedAtMs, 'time');
  return time ? { kind: 'absurd_timestamp', reason: `deal ${d.id}: ${time}` } : null;
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
