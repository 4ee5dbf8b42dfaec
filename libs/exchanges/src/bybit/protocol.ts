import type { Answer, FeedProtocol } from '../common/protocol';
import { EXCHANGE_ID, LIMITS, topicOf, type Category } from './constants';
import { parseFrame } from './mapper';

/**
 * Bybit v5's public websocket, one category per path (`/v5/public/linear`, `/v5/public/spot`):
 * `{"req_id","op":"subscribe","args":["publicTrade.BTCUSDT"]}` answered by
 * `{"success":true,…,"req_id","op":"subscribe"}`; heartbeat `{"req_id","op":"ping"}` answered by
 * `{"success":true,"ret_msg":"pong",…,"op":"ping"}` (linear echoes req_id, spot does not; option
 * and private streams answer `{"op":"pong","args":[ms]}`). No server pings, no documented lifetime.
 */
export function bybitProtocol(category: Category): FeedProtocol {
  return {
    // Each category is its own set of connections: their names must not collide in statuses.
    exchange: `${EXCHANGE_ID}-${category}`,
    url: (base) => `${base.replace(/\/$/, '')}/v5/public/${category}`,
    subscribesInUrl: false,
    command(op, _kind, symbols, nextId) {
      const id = String(nextId());
      return { text: JSON.stringify({ req_id: id, op, args: symbols.map(topicOf) }), awaits: [id] };
    },
    answer: bybitAnswer,
    heartbeat: {
      type: 'message',
      ping: (nextId) => JSON.stringify({ req_id: String(nextId()), op: 'ping' }),
      isPong: isBybitPong,
    },
    parseFrame: (raw, receivedAtMs) => parseFrame(raw, receivedAtMs, category),
    limits: {
      maxStreamsPerConnection: LIMITS.topicsPerConnection,
      // Bybit documents no message rate for public streams; we stay far from flooding it.
      maxOutgoingPerSecond: 10,
      rotateAfterMs: null,
      maxSymbolsPerCommand: LIMITS.argsPerRequest[category],
    },
  };
}

/** Pushes carry `"topic"`; answers never do, and are short. */
function maybeAnswer(text: string): boolean {
  return text.length < 2048 && !text.includes('"topic"') && text.includes('"op"');
}

export function isBybitPong(text: string): boolean {
  if (!maybeAnswer(text)) return false;
  const v = parse(text);
  return v !== null && ((v.op === 'ping' && v.ret_msg === 'pong') || v.op === 'pong');
}

/** A subscribe/unsubscribe answer, matched by the `req_id` we sent (none echoed: the oldest command). */
export function bybitAnswer(text: string): Answer | null {
  if (!maybeAnswer(text)) return null;
  const v = parse(text);
  if (v === null || (v.op !== 'subscribe' && v.op !== 'unsubscribe') || typeof v.success !== 'boolean') return null;
  const keys = typeof v.req_id === 'string' && v.req_id !== '' ? [v.req_id] : null;
  return { keys, error: v.success ? null : `Bybit refused ${v.op}: ${typeof v.ret_msg === 'string' ? v.ret_msg : 'no reason given'}` };
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
