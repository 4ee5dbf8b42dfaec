import { isPlainDecimal, isPositiveDecimal } from '../common/decimal';
import { parseJson, reject, timestampProblem, type Rejected } from '../common/frame';
import type { FrameRejection, FrameResult } from '../types';
import { MATCH_CHANNEL, SYMBOL_PATTERN } from './constants';
import { fastMatch } from './fast-frame';
import { matchMessage, rejectMessage, subscriptionsSnapshot, type MatchMessage } from './schemas';
import { toTrade } from './trade';

export { toTrade } from './trade';

/** ISO-8601 UTC as INTX writes it: `2023-05-10T14:58:47.002Z` (fraction optional, up to ns). */
const ISO_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** `…Z` → epoch ms (fraction cut to ms), or null when it is not INTX's form. Pure. */
export function isoMs(text: string): number | null {
  const m = ISO_UTC.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]!}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Pure: one INTX market-data websocket frame → what it carries. Never throws. A MATCH message is
 * one match; its `sequence` goes with the result so the connection can check its counter
 * (FrameSequence). Subscription snapshots are control frames, refusals control errors; other
 * channels are not collected and are rejected as `unknown_stream`.
 */
export function parseFrame(raw: string, receivedAtMs: number): FrameResult {
  const parsed = parseJson(raw);
  if (!parsed.ok) return reject('invalid_json', parsed.error, raw);
  // MATCH messages as INTX sends them take the fast path (fast-frame.ts: no zod); the full mapper decides the rest.
  const trade = fastMatch(parsed.value, receivedAtMs);
  if (trade) return { type: 'trades', trades: [trade], sequence: { stream: MATCH_CHANNEL, value: (parsed.value as MatchMessage).sequence } };
  return fromValue(parsed.value, raw, receivedAtMs);
}

/** The full mapper: JSON.parse, then the zod schemas. The fast path must agree with it. */
export function parseFrameFull(raw: string, receivedAtMs: number): FrameResult {
  const parsed = parseJson(raw);
  return parsed.ok ? fromValue(parsed.value, raw, receivedAtMs) : reject('invalid_json', parsed.error, raw);
}

function fromValue(value: unknown, raw: string, receivedAtMs: number): FrameResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('schema', 'frame is not a JSON object', raw);
  const { channel, type } = value as { channel?: unknown; type?: unknown };
  if (type === 'REJECT') return refusal(value, raw);
  if (channel === 'SUBSCRIPTIONS') {
    const ack = subscriptionsSnapshot.safeParse(value);
    if (!ack.success) return reject('schema', describe(ack.error.issues), raw);
    const products = ack.data.channels.find((c) => c.name === MATCH_CHANNEL)?.product_ids ?? [];
    return { type: 'control', detail: `subscriptions ${MATCH_CHANNEL}=[${products.join(',').slice(0, 200)}]` };
  }
  if (channel !== MATCH_CHANNEL) {
    return typeof channel === 'string'
      ? reject('unknown_stream', `channel "${channel.slice(0, 40)}" is not collected`, raw)
      : reject('schema', 'neither a channel message nor a refusal', raw);
  }
  const match = matchMessage.safeParse(value);
  if (!match.success) return counted(reject('schema', describe(match.error.issues), raw), value);
  const m = match.data;
  const problem = matchProblem(m, receivedAtMs);
  if (problem) return counted(reject(problem.kind, problem.reason, raw), value);
  return { type: 'trades', trades: [toTrade(m, isoMs(m.time)!, receivedAtMs)], sequence: { stream: MATCH_CHANNEL, value: m.sequence } };
}

/**
 * A MATCH message rejected for its content still took its number of the connection's counter:
 * carried where it can be read, so that the next message is not a sequence gap. Otherwise every
 * message of a field INTX changed would reopen the connection (ADR 0020).
 */
function counted(rejected: Rejected, value: object): Rejected {
  const { sequence } = value as { sequence?: unknown };
  return Number.isSafeInteger(sequence) && (sequence as number) >= 0 ? { ...rejected, sequence: { stream: MATCH_CHANNEL, value: sequence as number } } : rejected;
}

function refusal(value: object, raw: string): FrameResult {
  const r = rejectMessage.safeParse(value);
  if (!r.success) return reject('schema', describe(r.error.issues), raw);
  const why = [r.data.message, r.data.reason].filter((x) => x !== undefined && x !== '').join(': ');
  return { type: 'control', detail: `error ${why.slice(0, 200) || 'refused without a reason'}` };
}

function matchProblem(m: MatchMessage, receivedAtMs: number): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (!SYMBOL_PATTERN.test(m.product_id)) return { kind: 'unknown_symbol', reason: `"${m.product_id.slice(0, 40)}" is not an INTX instrument name` };
  if (!isPositiveDecimal(m.trade_price)) return { kind: 'bad_decimal', reason: `trade_price "${m.trade_price.slice(0, 40)}" is not a positive plain decimal` };
  const qty = m.trade_qty;
  if (!isPlainDecimal(qty)) {
    const negative = qty.startsWith('-') && isPlainDecimal(qty.slice(1));
    return { kind: negative ? 'non_positive_quantity' : 'bad_decimal', reason: `trade_qty "${qty.slice(0, 40)}" is ${negative ? 'negative' : 'not a plain decimal'}` };
  }
  if (!isPositiveDecimal(qty)) return { kind: 'non_positive_quantity', reason: `trade_qty ${qty} is zero` };
  const time = isoMs(m.time);
  if (time === null) return { kind: 'absurd_timestamp', reason: `time "${m.time.slice(0, 40)}" is not ISO-8601 UTC` };
  const problem = timestampProblem(time, receivedAtMs, 'time');
  return problem ? { kind: 'absurd_timestamp', reason: problem } : null;
}

function describe(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
