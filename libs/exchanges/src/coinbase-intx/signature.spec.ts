import { intxAnswer, intxProtocol } from './protocol';
import { subscriptionSignature } from './signature';

describe('Coinbase INTX subscription signature', () => {
  it('is base64(HMAC-SHA256(base64-decoded secret, TIMESTAMP + KEY + "CBINTLMD" + PASSPHRASE))', () => {
    // The docs' example message (time 1685465606, key glK4uG8QRmh3aqnJ, passphrase "passphrase")
    // does not publish its secret; this vector signs the same fields with a known secret, computed
    // independently with OpenSSL:
    //   printf '1685465606glK4uG8QRmh3aqnJCBINTLMDpassphrase' | openssl dgst -sha256 \
    //     -mac HMAC -macopt hexkey:$(printf 'exgate intx simulator secret' | xxd -p) -binary | base64
    expect(subscriptionSignature({
      timeS: '1685465606', apiKey: 'glK4uG8QRmh3aqnJ', passphrase: 'passphrase', apiSecret: 'ZXhnYXRlIGludHggc2ltdWxhdG9yIHNlY3JldA==',
    })).toBe('JOwynObzH4AT2pkxwuatNqR2RySZflNEEGqqleRhVN4=');
  });

  it('goes into every SUBSCRIBE with the time it signs, the key and the passphrase', async () => {
    const credentials = { apiKey: 'glK4uG8QRmh3aqnJ', passphrase: 'passphrase', apiSecret: 'ZXhnYXRlIGludHggc2ltdWxhdG9yIHNlY3JldA==' };
    const protocol = intxProtocol({ credentials, clock: { nowMs: () => 1_685_465_606_999 } });
    const cmd = await protocol.command('subscribe', 'trade', ['BTC-PERP', 'ETH-PERP'], () => 1, ['BTC-PERP', 'ETH-PERP']);
    expect(JSON.parse(cmd.text)).toEqual({
      type: 'SUBSCRIBE', product_ids: ['BTC-PERP', 'ETH-PERP'], channels: ['MATCH'], time: '1685465606',
      key: 'glK4uG8QRmh3aqnJ', passphrase: 'passphrase', signature: 'JOwynObzH4AT2pkxwuatNqR2RySZflNEEGqqleRhVN4=',
    });
    expect(JSON.parse((await protocol.command('unsubscribe', 'trade', ['ETH-PERP'], () => 2, ['BTC-PERP'])).text)).toMatchObject({ type: 'UNSUBSCRIBE', product_ids: ['ETH-PERP'] });
  });

  it('settles commands on the SUBSCRIPTIONS snapshot, fails them on a REJECT, and passes MATCH messages by', () => {
    expect(intxAnswer('{"channels":[],"authenticated":true,"channel":"SUBSCRIPTIONS","type":"SNAPSHOT","time":"2023-05-30T16:53:46.847Z"}'))
      .toEqual({ keys: ['subscriptions'], error: null });
    expect(intxAnswer('{"channel":"SUBSCRIPTIONS","type":"REJECT","message":"Authentication failed","reason":"invalid signature"}'))
      .toEqual({ keys: ['subscriptions'], error: 'INTX refused the subscription: Authentication failed: invalid signature' });
    expect(intxAnswer('{"channel":"MATCH","type":"UPDATE","product_id":"BTC-PERP","sequence":0,"match_id":"1","trade_price":"1","trade_qty":"1","aggressor_side":"BUY","time":"2025-03-14T23:03:01.189Z"}')).toBeNull();
  });
});
