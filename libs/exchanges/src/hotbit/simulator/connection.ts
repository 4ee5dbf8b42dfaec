import { gzipSync } from 'node:zlib';
import type { WebSocket } from 'ws';
import { SimSocket } from '../../common/simulator/socket';

/** ViaBTC's MARKET_NAME_MAX_LEN: a longer name is an invalid argument. */
const MARKET_NAME_MAX_LEN = 16;

export interface ConnectionHooks {
  /**
   * `deals.subscribe`: the connection's markets are now exactly `markets` (answered already).
   * `complete`: it succeeded, so each market's latest deals follow (ViaBTC's deals_send_full).
   */
  onSubscribed(c: SimConnection, markets: readonly string[], complete: boolean): void;
  onUnsubscribed(c: SimConnection): void;
  onPing(c: SimConnection): void;
  onClosed(c: SimConnection): void;
}

/**
 * One client socket speaking ViaBTC's accessws protocol (aw_server.c): JSON requests
 * `{"method","params":[…],"id":n}`; a request it cannot decode (no integer id, no method, params
 * not an array) closes the connection; an unknown method gets no answer; every frame it sends is
 * gzip-compressed binary. Closes a client that sent nothing for `keepAliveMs`.
 */
export class SimConnection extends SimSocket {
  markets: readonly string[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    id: number,
    ws: WebSocket,
    private readonly keepAliveMs: number,
    private readonly hooks: ConnectionHooks,
  ) {
    super(id, ws);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? null : String(data)));
    // ViaBTC's ws server answers websocket pings itself.
    ws.on('ping', (payload) => {
      this.armIdle();
      if (!this.silent) ws.pong(payload);
    });
    ws.on('close', () => {
      clearTimeout(this.idleTimer);
      hooks.onClosed(this);
    });
    this.armIdle();
  }

  /** Sends a frame as HotBit does: gzip, binary. False when silenced or closed. */
  send(text: string): boolean {
    if (this.silent || !this.open) return false;
    this.ws.send(gzipSync(text), { binary: true });
    return true;
  }

  /** `text` gzip-compressed, as HotBit sends every frame (nothing while silenced). */
  override sendRaw(text: string): void {
    this.send(text);
  }

  /** Bytes as they are (frames that are not gzip, for decode tests). */
  sendBytes(data: Buffer): void {
    if (this.open) this.ws.send(data, { binary: true });
  }

  private onMessage(text: string | null): void {
    this.armIdle();
    if (this.silent) return;
    const request = decode(text);
    if (!request) {
      this.ws.close(1003, 'decode request fail');
      return;
    }
    const { id, method, params } = request;
    switch (method) {
      case 'server.ping':
        this.hooks.onPing(this);
        this.send(JSON.stringify({ error: null, result: 'pong', id }));
        return;
      case 'server.time':
        this.send(JSON.stringify({ error: null, result: Math.floor(Date.now() / 1000), id }));
        return;
      case 'deals.subscribe': {
        // aw_server.c: drop every market first, then add them one by one.
        this.markets = [];
        this.hooks.onUnsubscribed(this);
        const markets: string[] = [];
        for (const p of params) {
          if (typeof p !== 'string' || p.length >= MARKET_NAME_MAX_LEN) {
            // The markets before the bad one stay subscribed, as in ViaBTC.
            this.markets = markets;
            this.send(JSON.stringify({ error: { code: 1, message: 'invalid argument' }, result: null, id }));
            this.hooks.onSubscribed(this, markets, false);
            return;
          }
          markets.push(p);
        }
        this.markets = markets;
        this.send(JSON.stringify({ error: null, result: { status: 'success' }, id }));
        this.hooks.onSubscribed(this, markets, true);
        return;
      }
      case 'deals.unsubscribe':
        this.markets = [];
        this.hooks.onUnsubscribed(this);
        this.send(JSON.stringify({ error: null, result: { status: 'success' }, id }));
        return;
      default:
        // ViaBTC logs an unknown method and answers nothing.
        return;
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.ws.close(1000, 'keep alive timeout'), this.keepAliveMs);
  }
}

function decode(text: string | null): { id: number; method: string; params: unknown[] } | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as { id?: unknown; method?: unknown; params?: unknown };
    if (!Number.isInteger(v.id) || typeof v.method !== 'string' || !Array.isArray(v.params)) return null;
    return { id: v.id as number, method: v.method, params: v.params };
  } catch {
    return null;
  }
}
