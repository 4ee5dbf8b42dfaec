import type { TradeKind } from '@exgate/domain';
import type { Answer, FeedProtocol } from '../common/protocol';
import { createParseFrame } from './mapper';
import { streamName, type BinanceMarket } from './market';

/**
 * Binance's websocket: combined streams named in the URL (on the routed path for futures),
 * SUBSCRIBE/UNSUBSCRIBE answered by `{"result":null,"id":n}`, server pings that ws answers, our
 * pings answered by pongs.
 */
export function binanceProtocol(market: BinanceMarket): FeedProtocol {
  const route = (kind: TradeKind) => (market.routeOfKind ? `/${market.routeOfKind[kind]}` : '');
  return {
    exchange: market.exchange,
    url: (base, kind, symbols) =>
      `${base.replace(/\/$/, '')}${route(kind)}/stream?streams=${symbols.map((s) => streamName(s, kind)).join('/')}`,
    subscribesInUrl: true,
    command(op, kind, symbols, nextId) {
      const id = nextId();
      const method = op === 'subscribe' ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
      return { text: JSON.stringify({ method, params: symbols.map((s) => streamName(s, kind)), id }), awaits: [String(id)] };
    },
    answer: binanceAnswer,
    heartbeat: { type: 'ws-ping' },
    parseFrame: createParseFrame(market),
    limits: {
      maxStreamsPerConnection: market.limits.maxStreamsPerConnection,
      // Pings and pongs count too: stay at half of Binance's limit.
      maxOutgoingPerSecond: market.limits.maxIncomingMessagesPerSecond / 2,
      // Half an hour before Binance's 24 h cut.
      rotateAfterMs: market.limits.connectionLifetimeMs - 30 * 60 * 1000,
      maxSymbolsPerCommand: market.limits.maxStreamsPerConnection,
    },
  };
}

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
