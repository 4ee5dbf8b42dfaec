import type { TradeKind } from '@exgate/domain';
import type { Answer, FeedProtocol } from '../common/protocol';
import { EXCHANGE_ID, LIMITS, ROUTE_OF_KIND, streamName } from './constants';
import { parseFrame } from './mapper';

/**
 * Binance USDⓈ-M's websocket: combined streams named in the URL on the routed path (`/market` for
 * aggTrade, `/public` for trade), SUBSCRIBE/UNSUBSCRIBE answered by `{"result":null,"id":n}`,
 * server pings every 3 min that ws answers, our pings answered by pongs.
 */
export const binanceUsdmProtocol: FeedProtocol = {
  exchange: EXCHANGE_ID,
  url: (base, kind, symbols) =>
    `${base.replace(/\/$/, '')}/${ROUTE_OF_KIND[kind]}/stream?streams=${symbols.map((s) => streamName(s, kind)).join('/')}`,
  subscribesInUrl: true,
  command(op, kind: TradeKind, symbols, nextId) {
    const id = nextId();
    const method = op === 'subscribe' ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
    return { text: JSON.stringify({ method, params: symbols.map((s) => streamName(s, kind)), id }), awaits: [String(id)] };
  },
  answer: binanceAnswer,
  heartbeat: { type: 'ws-ping' },
  parseFrame,
  limits: {
    maxStreamsPerConnection: LIMITS.maxStreamsPerConnection,
    // Pings and pongs count too: stay at half of Binance's 10 a second.
    maxOutgoingPerSecond: LIMITS.maxIncomingMessagesPerSecond / 2,
    // Half an hour before Binance's 24 h cut.
    rotateAfterMs: LIMITS.connectionLifetimeMs - 30 * 60 * 1000,
    maxSymbolsPerCommand: LIMITS.maxStreamsPerConnection,
  },
};

/** `{"result":null,"id":1}` or `{"error":{code,msg},"id":1}`. Trade events always carry `"e":"`. */
export function binanceAnswer(text: string): Answer | null {
  if (text.includes('"e":"') || text.length >= 4096) return null;
  try {
    const v = JSON.parse(text) as { id?: unknown; result?: unknown; error?: { code?: unknown; msg?: unknown } };
    if (typeof v.id !== 'number') return null;
    if (v.error) return { keys: [String(v.id)], error: `Binance error ${String(v.error.code)}: ${String(v.error.msg)}` };
    return 'result' in v ? { keys: [String(v.id)], error: null } : null;
  } catch {
    return null;
  }
}
