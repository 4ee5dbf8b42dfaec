import type { WebSocket } from 'ws';
import { CUT_SHORT_FRAME } from '../../common/simulator/core';
import type { SimPrint } from './recording';
import { SimSocket } from '../../common/simulator/socket';

export type Route = 'market' | 'public' | 'private';

/** Where a stream is delivered since fstream's 2026 routing (see ROUTE_OF_KIND). */
export function routeOfStream(stream: string): Route {
  return stream.endsWith('@aggTrade') || stream.includes('@kline_') || stream.includes('@markPrice') ? 'market' : 'public';
}

export interface ConnectionPath {
  /** null: an unrouted legacy URL, which only gets `/public` streams. */
  readonly route: Route | null;
  /** `/stream` wraps frames as `{"stream","data"}`; `/ws` sends the bare event. */
  readonly combined: boolean;
  readonly streams: readonly string[];
}

/** `/market/stream?streams=a/b`, `/market/ws/a/b`, `/public/ws`, legacy `/stream?...` and `/ws/...`. */
export function parseConnectionPath(url: string): ConnectionPath | null {
  const u = new URL(url, 'ws://simulator');
  const parts = u.pathname.split('/').filter((p) => p !== '');
  let route: Route | null = null;
  if (parts[0] === 'market' || parts[0] === 'public' || parts[0] === 'private') route = parts.shift() as Route;
  const mode = parts.shift();
  if (mode === 'stream' && parts.length === 0) {
    const streams = (u.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    return { route, combined: true, streams };
  }
  if (mode === 'ws') return { route, combined: false, streams: parts };
  return null;
}

export interface ConnectionLimits {
  /** Futures: a stream is delivered only on its route's path. Spot has no routes. */
  readonly routed: boolean;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly maxConnectionAgeMs: number;
  readonly maxStreamsPerConnection: number;
  readonly maxIncomingMessagesPerSecond: number;
}

export interface ConnectionHooks {
  onSubscribed(connection: SimConnection, streams: readonly string[]): void;
  onUnsubscribed(connection: SimConnection, streams: readonly string[]): void;
  onPong(connection: SimConnection): void;
  onClosed(connection: SimConnection): void;
}

/** One client socket speaking Binance's stream protocol. */
export class SimConnection extends SimSocket {
  readonly streams = new Set<string>();
  readonly openedAtMs = Date.now();
  private lastPongMs = Date.now();
  private readonly incomingAtMs: number[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    id: number,
    ws: WebSocket,
    readonly path: ConnectionPath,
    private readonly limits: ConnectionLimits,
    private readonly hooks: ConnectionHooks,
  ) {
    super(id, ws);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : String(data)));
    ws.on('ping', (payload) => this.onPing(payload));
    ws.on('pong', () => {
      this.lastPongMs = Date.now();
      hooks.onPong(this);
    });
    ws.on('close', () => this.closed());
    this.timers.push(setInterval(() => this.serverPing(), limits.pingIntervalMs));
    // Binance cuts every connection at 24 h; the simulator's cut is configurable.
    this.timers.push(setTimeout(() => this.ws.close(1000, 'connection lifetime reached'), limits.maxConnectionAgeMs));
    this.subscribe(path.streams);
  }

  /** Sends the print (or, `garbled`, its frame cut short) if this connection subscribed its stream on the right route. */
  deliver(print: SimPrint, stream: string, garbled = false): boolean {
    if (this.silent || !this.streams.has(stream) || !this.open) return false;
    if (this.limits.routed && (this.path.route ?? 'public') !== routeOfStream(stream)) return false;
    this.ws.send(garbled ? CUT_SHORT_FRAME : this.path.combined ? print.combined : print.raw);
    return true;
  }

  private onMessage(text: string): void {
    if (this.overRate()) return;
    if (this.silent) return;
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.send({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null });
      return;
    }
    const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
    const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : [];
    switch (msg.method) {
      case 'SUBSCRIBE': {
        // Symbols are lower case in stream names; stream types are not (`aggTrade`).
        if (params.length === 0 || params.some((p) => !/^[a-z0-9_]+@[A-Za-z0-9_@]+$/.test(p))) {
          this.send({ error: { code: 2, msg: 'Invalid request: stream names are <lower-case symbol>@<stream>' }, id });
          return;
        }
        if (new Set([...this.streams, ...params]).size > this.limits.maxStreamsPerConnection) {
          this.send({ error: { code: 2, msg: `Invalid request: more than ${this.limits.maxStreamsPerConnection} streams` }, id });
          return;
        }
        this.subscribe(params);
        this.send({ result: null, id });
        return;
      }
      case 'UNSUBSCRIBE': {
        const gone = params.filter((p) => this.streams.delete(p));
        this.hooks.onUnsubscribed(this, gone);
        this.send({ result: null, id });
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.send({ result: [...this.streams], id });
        return;
      default:
        this.send({ error: { code: 2, msg: 'Invalid request: unknown method' }, id });
    }
  }

  private subscribe(streams: readonly string[]): void {
    for (const s of streams) this.streams.add(s);
    if (streams.length > 0) this.hooks.onSubscribed(this, streams);
  }

  private onPing(payload: Buffer): void {
    if (this.overRate() || this.silent) return;
    this.ws.pong(payload);
  }

  /** Binance disconnects clients that send more than 10 messages (pings included) a second. */
  private overRate(): boolean {
    const now = Date.now();
    this.incomingAtMs.push(now);
    while (this.incomingAtMs[0]! <= now - 1000) this.incomingAtMs.shift();
    if (this.incomingAtMs.length <= this.limits.maxIncomingMessagesPerSecond) return false;
    this.ws.close(1008, 'too many messages');
    return true;
  }

  private serverPing(): void {
    if (this.silent) return;
    if (Date.now() - this.lastPongMs > this.limits.pongTimeoutMs) {
      this.ws.terminate();
      return;
    }
    if (this.open) this.ws.ping();
  }

  private send(body: unknown): void {
    if (this.open) this.ws.send(JSON.stringify(body));
  }

  private closed(): void {
    for (const t of this.timers) clearTimeout(t);
    this.hooks.onClosed(this);
  }
}
