import type { TradeKind } from '@exgate/domain';
import type { Answer, FeedProtocol } from '../common/protocol';
import type { FrameResult } from '../types';
import { BUSINESS_PATH, EXCHANGE_ID, LIMITS, PUBLIC_PATH, TRADES, TRADES_ALL } from './constants';

/** The channel a print kind is collected from. */
export function channelOf(kind: TradeKind): string {
  return kind === 'trade' ? TRADES_ALL : TRADES;
}

/**
 * OKX v5's public websocket: `trades-all` on `/ws/v5/business`, `trades` on `/ws/v5/public`.
 * `{"op":"subscribe","args":[{"channel":"trades-all","instId":"BTC-USDT"}]}` is answered once per
 * argument by `{"event":"subscribe","arg":{…},"connId":"…"}`; a refusal is
 * `{"event":"error","code":"60012","msg":"…"}` without the argument (it settles the oldest command).
 * Heartbeat: the text `ping`, answered by the text `pong`; OKX cuts a connection after 30 s
 * without a push. No documented lifetime.
 */
export function okxProtocol(parseFrame: (raw: string, receivedAtMs: number) => FrameResult): FeedProtocol {
  return {
    exchange: EXCHANGE_ID,
    url: (base, kind) => `${base.replace(/\/$/, '')}${kind === 'trade' ? BUSINESS_PATH : PUBLIC_PATH}`,
    subscribesInUrl: false,
    command(op, kind, symbols) {
      const channel = channelOf(kind);
      return {
        text: JSON.stringify({ op, args: symbols.map((instId) => ({ channel, instId })) }),
        awaits: symbols.map((instId) => `${channel}:${instId}`),
      };
    },
    answer: okxAnswer,
    heartbeat: { type: 'message', ping: () => 'ping', isPong: (text) => text === 'pong' },
    parseFrame,
    limits: {
      maxStreamsPerConnection: LIMITS.instrumentsPerConnection,
      // 480 subscription requests per hour per connection: commands are few; pings are the rest.
      maxOutgoingPerSecond: 5,
      rotateAfterMs: null,
      maxSymbolsPerCommand: LIMITS.argsPerRequest,
    },
  };
}

/** Pushes carry `"data"`; events never do, and are short. */
export function okxAnswer(text: string): Answer | null {
  if (text.length > 2048 || !text.includes('"event"') || text.includes('"data"')) return null;
  let v: { event?: unknown; arg?: { channel?: unknown; instId?: unknown }; code?: unknown; msg?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return null;
  }
  if (v.event === 'error') {
    return { keys: null, error: `OKX refused: ${typeof v.code === 'string' ? v.code : '?'} ${typeof v.msg === 'string' ? v.msg.slice(0, 200) : ''}`.trim() };
  }
  if ((v.event !== 'subscribe' && v.event !== 'unsubscribe') || typeof v.arg?.channel !== 'string' || typeof v.arg.instId !== 'string') return null;
  return { keys: [`${v.arg.channel}:${v.arg.instId}`], error: null };
}
