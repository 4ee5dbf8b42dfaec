import { createHmac } from 'node:crypto';
import { SIGNATURE_CHANNEL } from './constants';

/**
 * INTX's market-data subscription signature (docs.cdp.coinbase.com/international-exchange/
 * websocket-feed/authentication; the same in tardis-node's coinbaseinternational feed):
 * base64(HMAC-SHA256(base64-decoded secret, TIMESTAMP + KEY + "CBINTLMD" + PASSPHRASE)), with
 * TIMESTAMP the epoch seconds sent as `time`. Pure.
 */
export function subscriptionSignature(o: { timeS: string; apiKey: string; passphrase: string; apiSecret: string }): string {
  return createHmac('sha256', Buffer.from(o.apiSecret, 'base64'))
    .update(`${o.timeS}${o.apiKey}${SIGNATURE_CHANNEL}${o.passphrase}`)
    .digest('base64');
}
