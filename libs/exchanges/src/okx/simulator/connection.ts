import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { BUSINESS_PATH, PUBLIC_PATH, TRADES, TRADES_ALL } from '../constants';
import { SimSocket } from '../../common/simulator/socket';

export interface SimConnectionHooks {
  listed(instId: string): boolean;
  onSubscribed(connection: OkxSimConnection, instIds: readonly string[]): void;
  onPing(connection: OkxSimConnection): void;
  onClosed(connection: OkxSimConnection): void;
}

/** The channel a path serves: `trades-all` on /ws/v5/business, `trades` on /ws/v5/public; null: 404. */
export function channelOfPath(url: string): string | null {
  const path = new URL(url, 'ws://simulator').pathname.replace(/\/$/, '');
  if (path === BUSINESS_PATH) return TRADES_ALL;
  if (path === PUBLIC_PATH) return TRADES;
  return null;
}

/**
 * One client socket speaking OKX v5's public protocol: `subscribe`/`unsubscribe` with `args` of
 * `{channel, instId}`, one `{"event":"subscribe","arg":…}` per argument, refusals as
 * `{"event":"error","code":"60012"|"60018",…}` in OKX's words, the text `ping` answered by the
 * text `pong`, and the cut after 30 s without a subscription or a push.
 */
export class OkxSimConnection extends SimSocket {
  readonly instIds = new Set<string>();
  readonly connId = randomUUID().slice(0, 8);
  private lastActivityMs = Date.now();
  private readonly idleTimer: NodeJS.Timeout;

  constructor(
    id: number,
    readonly channel: string,
    ws: WebSocket,
    idleCutMs: number,
    private readonly hooks: SimConnectionHooks,
  ) {
    super(id, ws);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : String(data)));
    ws.on('close', () => this.closed());
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastActivityMs > idleCutMs) ws.terminate();
    }, Math.max(10, Math.min(idleCutMs / 3, 5_000)));
  }

  wants(instId: string): boolean {
    return !this.silent && this.instIds.has(instId) && this.open;
  }

  deliver(instId: string, text: string): boolean {
    if (!this.wants(instId)) return false;
    this.send(text);
    return true;
  }

  private onMessage(text: string): void {
    if (this.silent) return;
    if (text === 'ping') {
      this.hooks.onPing(this);
      this.send('pong');
      return;
    }
    let msg: { op?: unknown; args?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return this.error('60012', `Invalid request: ${text.slice(0, 100)}`);
    }
    const op = msg.op;
    if ((op !== 'subscribe' && op !== 'unsubscribe') || !Array.isArray(msg.args) || msg.args.length === 0) {
      return this.error('60012', `Invalid request: ${text.slice(0, 100)}`);
    }
    const args: { channel: string; instId: string }[] = [];
    for (const a of msg.args as unknown[]) {
      const { channel, instId } = (a ?? {}) as { channel?: unknown; instId?: unknown };
      if (typeof channel !== 'string' || typeof instId !== 'string') return this.error('60012', `Invalid request: ${text.slice(0, 100)}`);
      if (channel !== this.channel || !this.hooks.listed(instId)) {
        return this.error('60018', `Wrong URL or channel:${channel.slice(0, 40)},instId:${instId.slice(0, 40)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`);
      }
      args.push({ channel, instId });
    }
    for (const a of args) {
      if (op === 'subscribe') this.instIds.add(a.instId);
      else this.instIds.delete(a.instId);
      this.send(JSON.stringify({ event: op, arg: a, connId: this.connId }));
    }
    if (op === 'subscribe') this.hooks.onSubscribed(this, args.map((a) => a.instId));
  }

  private error(code: string, msg: string): void {
    this.send(JSON.stringify({ event: 'error', msg, code, connId: this.connId }));
  }

  private send(text: string): void {
    if (!this.open) return;
    this.lastActivityMs = Date.now();
    this.ws.send(text);
  }

  private closed(): void {
    clearInterval(this.idleTimer);
    this.hooks.onClosed(this);
  }
}
