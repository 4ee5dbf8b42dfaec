import { gunzipSync } from 'node:zlib';
import type { Answer, FeedProtocol } from '../common/protocol';
import { EXCHANGE_ID, LIMITS } from './constants';
import { parseFrame } from './mapper';

/**
 * HotBit's websocket (ViaBTC's accessws): one fixed endpoint; `deals.subscribe` REPLACES the
 * connection's markets with the list it carries and `deals.unsubscribe` drops them all, so every
 * change sends the whole list the connection is to carry (`carried`); answers are matched by id;
 * the client pings with `server.ping`; every server frame is gzip-compressed binary.
 */
export const hotbitProtocol: FeedProtocol = {
  exchange: EXCHANGE_ID,
  url: (base) => base,
  subscribesInUrl: false,
  command(_op, _kind, _symbols, nextId, carried) {
    const id = nextId();
    const text = carried.length > 0
      ? JSON.stringify({ method: 'deals.subscribe', params: carried, id })
      : JSON.stringify({ method: 'deals.unsubscribe', params: [], id });
    return { text, awaits: [String(id)] };
  },
  answer: hotbitAnswer,
  heartbeat: {
    type: 'message',
    ping: (nextId) => JSON.stringify({ method: 'server.ping', params: [], id: nextId() }),
    isPong,
  },
  // gzip, as HotBit's own demos read it (the doc's "zlib" is not what the server sent); bounded,
  // so a hostile frame cannot inflate without limit.
  decode: (data) => gunzipSync(data, { maxOutputLength: MAX_FRAME_BYTES }).toString('utf8'),
  parseFrame,
  limits: {
    maxStreamsPerConnection: LIMITS.maxMarketsPerConnection,
    // None documented; pings every 5 s and the odd subscribe stay far below this.
    maxOutgoingPerSecond: 5,
    // ViaBTC sets no connection lifetime.
    rotateAfterMs: null,
    // One message carries every market of the connection (it replaces the list).
    maxSymbolsPerCommand: LIMITS.maxMarketsPerConnection,
  },
};

/** Far above a push of 100 deals (~12 KB): anything larger is not a HotBit frame. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** `{"error":null,"result":…,"id":n}`. Pushes always carry `"method"`; answers never do. */
export function hotbitAnswer(text: string): Answer | null {
  if (text.includes('"method"') || text.length >= 4096) return null;
  const v = parseObject(text);
  if (!v || typeof v.id !== 'number' || !('error' in v)) return null;
  const error = v.error as { code?: unknown; message?: unknown } | null;
  return { keys: [String(v.id)], error: error ? `HotBit error ${String(error.code)}: ${String(error.message)}` : null };
}

/** `{"error":null,"result":"pong","id":n}`. */
function isPong(text: string): boolean {
  if (!text.includes('"pong"') || text.length >= 256) return false;
  const v = parseObject(text);
  return v !== null && v.error === null && v.result === 'pong';
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
