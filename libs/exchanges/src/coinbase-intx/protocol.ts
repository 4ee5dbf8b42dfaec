import type { Clock } from '@exgate/runtime';
import type { Answer, FeedProtocol } from '../common/protocol';
import { EXCHANGE_ID, LIMITS, MATCH_CHANNEL } from './constants';
import { parseFrame } from './mapper';
import { subscriptionSignature } from './signature';

/** What a signed subscription needs: all three (INTX signs even market data). */
export interface IntxCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

/**
 * INTX's market-data websocket (one fixed endpoint): `{"type":"SUBSCRIBE","product_ids":[…],
 * "channels":["MATCH"],"time","key","passphrase","signature"}` answered by a SUBSCRIPTIONS
 * snapshot (no request id: it settles the oldest command) or a REJECT. UNSUBSCRIBE has the same
 * structure. No application heartbeat: websocket ping frames (as nautilus does). No documented
 * lifetime. MATCH messages carry the connection's `sequence`, which the connection checks.
 */
export function intxProtocol(o: { credentials: IntxCredentials; clock: Clock }): FeedProtocol {
  return {
    exchange: EXCHANGE_ID,
    url: (base) => base.replace(/\/$/, ''),
    subscribesInUrl: false,
    command(op, _kind, symbols) {
      const timeS = String(Math.floor(o.clock.nowMs() / 1000));
      const { apiKey, passphrase, apiSecret } = o.credentials;
      const text = JSON.stringify({
        type: op === 'subscribe' ? 'SUBSCRIBE' : 'UNSUBSCRIBE',
        product_ids: symbols, channels: [MATCH_CHANNEL],
        time: timeS, key: apiKey, passphrase, signature: subscriptionSignature({ timeS, apiKey, passphrase, apiSecret }),
      });
      return { text, awaits: ['subscriptions'] };
    },
    answer: intxAnswer,
    heartbeat: { type: 'ws-ping' },
    parseFrame,
    limits: {
      maxStreamsPerConnection: LIMITS.productsPerConnection,
      // INTX documents no message rate for the market-data feed; we send a handful.
      maxOutgoingPerSecond: 5,
      rotateAfterMs: null,
      maxSymbolsPerCommand: LIMITS.productsPerConnection,
    },
  };
}

/**
 * The SUBSCRIPTIONS snapshot (success) or a REJECT (refusal). Runs on every frame: MATCH
 * messages are passed over by a substring test before any JSON.parse.
 */
export function intxAnswer(text: string): Answer | null {
  if (text.length > 65_536 || text.includes('"match_id"')) return null;
  if (!text.includes('SUBSCRIPTIONS') && !text.includes('REJECT')) return null;
  let v: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    v = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  if (v.type === 'REJECT') {
    const why = [v.message, v.reason].filter((x): x is string => typeof x === 'string' && x !== '').join(': ');
    return { keys: ['subscriptions'], error: `INTX refused the subscription: ${why.slice(0, 200) || 'no reason given'}` };
  }
  if (v.channel === 'SUBSCRIPTIONS' && v.type === 'SNAPSHOT') return { keys: ['subscriptions'], error: null };
  return null;
}
