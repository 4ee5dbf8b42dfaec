import type { Trade, TradeKind } from '@exgate/domain';
import { isPlainDecimal, isPositiveDecimal } from '../common/decimal';
import { parseJson, reject, timestampProblem } from '../common/frame';
import type { FrameRejection, FrameResult } from '../types';
import { isSwap, SYMBOL_PATTERN, TRADES, TRADES_ALL } from './constants';
import { EPOCH_SPAN, NO_LISTINGS, type Listing, type Listings } from './listing';
import { eventFrame, tradeItem, tradePush, type TradeItem } from './schemas';
import { fastTrades } from './fast-frame';
import { okxTrade } from './trade';

export { baseSize, countsInCandles, okxTrade, type OkxPrint } from './trade';

/**
 * Pure: one OKX v5 websocket frame → what it carries. Never throws. `listings` says what REST
 * knows of an instrument: its listing epoch (ids, docs/adr/0017-okx-listing-epochs.md) and, for
 * swaps, the contract value that turns contracts into base units. Without it prints of spot pairs
 * are read in epoch 0 and swap prints are refused (their size would be in the wrong unit).
 */
export function parseFrame(raw: string, receivedAtMs: number, listings: Listings = NO_LISTINGS): FrameResult {
  // The heartbeat answer is the bare text `pong`, not JSON.
  if (raw === 'pong') return { type: 'control', detail: 'pong' };
  const parsed = parseJson(raw);
  if (!parsed.ok) return reject('invalid_json', parsed.error, raw);
  // Pushes as OKX sends them take the fast path (fast-frame.ts: no zod); the full mapper decides the rest.
  const trades = fastTrades(parsed.value, receivedAtMs, listings);
  return trades ? { type: 'trades', trades } : fromValue(parsed.value, raw, receivedAtMs, listings);
}

/** The full mapper: JSON.parse, then the zod schemas. The fast path must agree with it. */
export function parseFrameFull(raw: string, receivedAtMs: number, listings: Listings = NO_LISTINGS): FrameResult {
  if (raw === 'pong') return { type: 'control', detail: 'pong' };
  const parsed = parseJson(raw);
  return parsed.ok ? fromValue(parsed.value, raw, receivedAtMs, listings) : reject('invalid_json', parsed.error, raw);
}

function fromValue(value: unknown, raw: string, receivedAtMs: number, listings: Listings): FrameResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('schema', 'frame is not a JSON object', raw);
  if ('event' in value) return control(value, raw);
  const push = tradePush.safeParse(value);
  if (!push.success) return reject('schema', `neither a push (arg, data) nor an event: ${describe(push.error.issues)}`, raw);
  const { arg, data } = push.data;
  const kind = kindOf(arg.channel);
  if (!kind) return reject('unknown_stream', `channel "${arg.channel.slice(0, 40)}" is not ${TRADES_ALL} or ${TRADES}`, raw);
  if (data.length === 0) return reject('schema', `${arg.channel} push without trades`, raw);
  const trades: Trade[] = [];
  for (const [n, item] of data.entries()) {
    const one = tradeItem.safeParse(item);
    if (!one.success) return reject('schema', `data.${n}: ${describe(one.error.issues)}`, raw);
    const problem = itemProblem(one.data, arg.instId, listings(one.data.instId), receivedAtMs);
    if (problem) return reject(problem.kind, problem.reason, raw);
    trades.push(okxTrade(one.data, kind, listings(one.data.instId) ?? { epoch: 0 }, receivedAtMs));
  }
  return { type: 'trades', trades };
}

function kindOf(channel: string): TradeKind | null {
  if (channel === TRADES_ALL) return 'trade';
  if (channel === TRADES) return 'aggTrade';
  return null;
}

/** Subscription answers and errors that reach the mapper (the connection settles the ones it awaits). */
function control(value: object, raw: string): FrameResult {
  const event = eventFrame.safeParse(value);
  if (!event.success) return reject('schema', `event frame: ${describe(event.error.issues)}`, raw);
  const { event: name, arg, code = '', msg = '' } = event.data;
  const what = arg ? `${arg.channel}:${arg.instId ?? ''}` : '';
  if (name === 'error') return { type: 'control', detail: `error code=${code.slice(0, 10)}: ${msg.slice(0, 120)}` };
  // `notice` (code 64008): the service is upgrading and will cut this connection: rotate now.
  if (name === 'notice') return { type: 'reconnect', detail: `notice code=${code.slice(0, 10)}: ${msg.slice(0, 120)}` };
  return { type: 'control', detail: `${name.slice(0, 20)} ${what.slice(0, 60)}`.trim() };
}

/** Checks shared by pushes and REST rows. */
export function valuesProblem(price: string, size: string, timeMs: number, receivedAtMs: number): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (!isPositiveDecimal(price)) return { kind: 'bad_decimal', reason: `px "${price.slice(0, 40)}" is not a positive plain decimal` };
  if (!isPlainDecimal(size)) {
    const negative = size.startsWith('-') && isPlainDecimal(size.slice(1));
    return { kind: negative ? 'non_positive_quantity' : 'bad_decimal', reason: `sz "${size.slice(0, 40)}" is ${negative ? 'negative' : 'not a plain decimal'}` };
  }
  if (!isPositiveDecimal(size)) return { kind: 'non_positive_quantity', reason: `sz ${size} is zero` };
  const problem = timestampProblem(timeMs, receivedAtMs, 'ts');
  return problem ? { kind: 'absurd_timestamp', reason: problem } : null;
}

function itemProblem(item: TradeItem, instId: string, listing: Listing | undefined, receivedAtMs: number): Pick<FrameRejection, 'kind' | 'reason'> | null {
  if (item.instId !== instId) return { kind: 'unknown_symbol', reason: `a ${instId.slice(0, 40)} push carries "${item.instId.slice(0, 40)}"` };
  if (!SYMBOL_PATTERN.test(item.instId)) {
    return { kind: 'unknown_symbol', reason: `"${item.instId.slice(0, 40)}" is not an OKX spot pair or linear swap exgate collects` };
  }
  if (isSwap(item.instId) && !isPositiveDecimal(listing?.ctVal ?? '')) {
    return { kind: 'unknown_symbol', reason: `the contract value of ${item.instId} is unknown (instruments not loaded): its size would be in contracts` };
  }
  const tradeId = Number(item.tradeId);
  const count = item.count === undefined ? 1 : Number(item.count);
  if (tradeId < 1 || tradeId >= EPOCH_SPAN) return { kind: 'schema', reason: `tradeId ${item.tradeId} is outside 1..2^40` };
  if (count < 1 || count > tradeId) return { kind: 'schema', reason: `count ${item.count ?? ''} does not fit tradeId ${item.tradeId}` };
  return valuesProblem(item.px, item.sz, Number(item.ts), receivedAtMs);
}

function describe(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
