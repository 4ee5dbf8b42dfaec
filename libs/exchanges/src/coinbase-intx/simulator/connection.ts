import type { WebSocket } from 'ws';
import { CUT_SHORT_FRAME, type PrintFate } from '../../common/simulator/core';
import { LIMITS, MATCH_CHANNEL } from '../constants';
import type { IntxCredentials } from '../protocol';
import { subscriptionSignature } from '../signature';
import { SimSocket } from '../../common/simulator/socket';

export interface SimConnectionHooks {
  readonly credentials: IntxCredentials;
  /** Whether INTX lists the instrument. */
  listed(product: string): boolean;
  onSubscribed(connection: IntxSimConnection, products: readonly string[]): void;
  onPing(connection: IntxSimConnection): void;
  onClosed(connection: IntxSimConnection): void;
  /** How long a client has to send its first SUBSCRIBE (INTX: 3 s). */
  readonly subscribeWithinMs: number;
  /** How far a signed `time` may be from the server's clock. */
  readonly maxClockSkewS: number;
}

/**
 * One client socket speaking INTX's market-data protocol: a signed SUBSCRIBE within 3 s or the
 * socket is cut; the signature checked against the simulator's credentials; a SUBSCRIPTIONS
 * snapshot (no sequence) as the answer, a REJECT for a bad signature, an unknown channel or
 * instrument; websocket pings answered with pongs; MATCH messages numbered by this connection's
 * own `sequence`, one more per message, also for messages it was owed but not sent (a fault).
 */
export class IntxSimConnection extends SimSocket {
  readonly products = new Set<string>();
  private sequence = 0;
  private readonly subscribeTimer: NodeJS.Timeout;

  constructor(id: number, ws: WebSocket, private readonly hooks: SimConnectionHooks) {
    super(id, ws);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : String(data)));
    ws.on('ping', () => {
      if (this.silent) return;
      hooks.onPing(this);
      ws.pong();
    });
    ws.on('close', () => this.closed());
    this.subscribeTimer = setTimeout(() => {
      if (this.products.size === 0) ws.terminate();
    }, hooks.subscribeWithinMs);
  }

  wants(product: string): boolean {
    return this.products.has(product) && this.open;
  }

  /**
   * A match of `product`: numbered and sent, as its fate says, when this connection subscribed it.
   * A lost one (or one owed while silenced) never arrives and the next one shows the gap; a garbled
   * one arrives cut short, its number unreadable; a patched one with the patch's fields.
   */
  deliver(product: string, message: Readonly<Record<string, unknown>>, fate: PrintFate): boolean {
    if (!this.wants(product)) return false;
    const sequence = this.sequence++;
    if (fate.kind === 'lost' || this.silent) return false;
    if (fate.kind === 'garbled') this.ws.send(CUT_SHORT_FRAME);
    else this.ws.send(JSON.stringify(fate.kind === 'patched' ? { ...message, ...fate.patch, sequence } : { ...message, sequence }));
    return true;
  }

  private onMessage(text: string): void {
    if (this.silent) return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
      if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
    } catch {
      return this.reject('Failed to parse message', 'request is not a JSON object');
    }
    const op = msg.type;
    if (op !== 'SUBSCRIBE' && op !== 'UNSUBSCRIBE') return this.reject('Unknown message type', String(op).slice(0, 40));
    const authError = this.authError(msg);
    if (authError) return this.reject('Authentication failed', authError);
    const channels = Array.isArray(msg.channels) ? msg.channels : [];
    const products = Array.isArray(msg.product_ids) ? msg.product_ids.filter((p): p is string => typeof p === 'string') : [];
    const unknownChannel = channels.find((c) => c !== MATCH_CHANNEL);
    if (channels.length === 0 || unknownChannel !== undefined) return this.reject('Failed to subscribe', `channel ${String(unknownChannel ?? '(none)').slice(0, 40)} is not served here`);
    if (products.length === 0) return this.reject('Failed to subscribe', 'product_ids is empty');
    const unknown = products.find((p) => !this.hooks.listed(p));
    if (unknown !== undefined) return this.reject('Failed to subscribe', `unknown product_id ${unknown.slice(0, 40)}`);
    if (op === 'UNSUBSCRIBE') for (const p of products) this.products.delete(p);
    else for (const p of products) this.products.add(p);
    this.send({
      channels: [{ name: MATCH_CHANNEL, product_ids: [...this.products] }], authenticated: true,
      channel: 'SUBSCRIPTIONS', type: 'SNAPSHOT', time: new Date().toISOString(),
    });
    if (op === 'SUBSCRIBE') this.hooks.onSubscribed(this, products);
  }

  private authError(msg: Record<string, unknown>): string | null {
    const { key, passphrase, time, signature } = msg;
    if (typeof key !== 'string' || typeof passphrase !== 'string' || typeof time !== 'string' || typeof signature !== 'string') {
      return 'key, passphrase, time and signature are required';
    }
    const c = this.hooks.credentials;
    if (key !== c.apiKey || passphrase !== c.passphrase) return 'invalid key or passphrase';
    if (!/^\d{1,12}$/.test(time) || Math.abs(Number(time) - Date.now() / 1000) > this.hooks.maxClockSkewS) return `time ${time.slice(0, 20)} is too far from the server's`;
    if (signature !== subscriptionSignature({ timeS: time, apiKey: key, passphrase, apiSecret: c.apiSecret })) return 'invalid signature';
    return null;
  }

  private reject(message: string, reason: string): void {
    this.send({ channel: 'SUBSCRIPTIONS', type: 'REJECT', message, reason, time: new Date().toISOString() });
  }

  private send(body: unknown): void {
    if (this.open) this.ws.send(JSON.stringify(body));
  }

  private closed(): void {
    clearTimeout(this.subscribeTimer);
    this.hooks.onClosed(this);
  }
}

export const SUBSCRIBE_WITHIN_MS = LIMITS.subscribeWithinMs;
