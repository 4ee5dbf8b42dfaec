import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { LIMITS, type Category } from '../constants';
import { SimSocket } from '../../common/simulator/socket';

export interface SimConnectionLimits {
  /** Bybit cuts a connection with no ping and no data for this long (10 minutes). */
  readonly idleCutMs: number;
  /** How pongs look: Bybit's public spot/linear answer, or the option/private `{"op":"pong"}`. */
  readonly pongStyle: 'ret_msg' | 'op-pong';
}

export interface SimConnectionHooks {
  /** Whether the category lists the symbol (Bybit's spelling). */
  listed(category: Category, wire: string): boolean;
  onSubscribed(connection: BybitSimConnection, wires: readonly string[]): void;
  onPing(connection: BybitSimConnection): void;
  onClosed(connection: BybitSimConnection): void;
}

/** `/v5/public/linear` or `/v5/public/spot`; anything else is refused (404). */
export function categoryOfPath(url: string): Category | null {
  const path = new URL(url, 'ws://simulator').pathname.replace(/\/$/, '');
  if (path === '/v5/public/linear') return 'linear';
  if (path === '/v5/public/spot') return 'spot';
  return null;
}

/**
 * One client socket speaking Bybit v5's public protocol: subscribe/unsubscribe with `args`
 * (spot at most 10 per request; at most 21,000 characters of args per connection), answers that
 * echo `req_id` (spot says `subscribe` in ret_msg, linear leaves it empty), `{"op":"ping"}`
 * answered by a pong, and the cut after ten minutes without ping or data. Refusals use the words
 * seen in captured Bybit frames (`args size >10`, `error:handler not found,topic:…`).
 */
export class BybitSimConnection extends SimSocket {
  /** Subscribed symbols, Bybit's spelling. */
  readonly wires = new Set<string>();
  readonly connId = randomUUID();
  private lastActivityMs = Date.now();
  private readonly idleTimer: NodeJS.Timeout;

  constructor(
    id: number,
    readonly category: Category,
    ws: WebSocket,
    private readonly limits: SimConnectionLimits,
    private readonly hooks: SimConnectionHooks,
  ) {
    super(id, ws);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : String(data)));
    ws.on('close', () => this.closed());
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastActivityMs > limits.idleCutMs) ws.terminate();
    }, Math.min(limits.idleCutMs, 30_000));
  }

  wants(wire: string): boolean {
    return !this.silent && this.wires.has(wire) && this.open;
  }

  /** Sends a push of `wire` if this connection subscribed it. */
  deliver(wire: string, text: string): boolean {
    if (!this.wants(wire)) return false;
    this.ws.send(text);
    this.lastActivityMs = Date.now();
    return true;
  }

  private onMessage(text: string): void {
    if (this.silent) return;
    let msg: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.answer('', false, 'error:request not json', undefined);
      return;
    }
    const reqId = typeof msg.req_id === 'string' ? msg.req_id : undefined;
    const op = typeof msg.op === 'string' ? msg.op : '';
    if (op === 'ping') {
      this.lastActivityMs = Date.now();
      this.hooks.onPing(this);
      this.pong(reqId);
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.answer(op, false, `error:unknown op "${op.slice(0, 20)}"`, reqId);
      return;
    }
    const args = Array.isArray(msg.args) ? msg.args.filter((a): a is string => typeof a === 'string') : [];
    if (args.length === 0) return this.answer(op, false, 'error:args is empty', reqId);
    if (this.category === 'spot' && args.length > LIMITS.argsPerRequest.spot) return this.answer(op, false, 'args size >10', reqId);
    const wires: string[] = [];
    for (const topic of args) {
      const wire = topic.startsWith('publicTrade.') ? topic.slice('publicTrade.'.length) : null;
      if (wire === null || !this.hooks.listed(this.category, wire)) return this.answer(op, false, `error:handler not found,topic:${topic.slice(0, 60)}`, reqId);
      if (op === 'subscribe' && this.wires.has(wire)) return this.answer(op, false, `error:already subscribed,topic:${topic.slice(0, 60)}`, reqId);
      wires.push(wire);
    }
    if (op === 'unsubscribe') {
      for (const w of wires) this.wires.delete(w);
      return this.answer(op, true, this.category === 'spot' ? 'unsubscribe' : '', reqId);
    }
    const chars = [...this.wires, ...wires].reduce((n, w) => n + `publicTrade.${w}`.length, 0);
    if (chars > LIMITS.argsCharsPerConnection) return this.answer(op, false, `error:args length ${chars} exceeds ${LIMITS.argsCharsPerConnection}`, reqId);
    for (const w of wires) this.wires.add(w);
    this.answer(op, true, this.category === 'spot' ? 'subscribe' : '', reqId);
    this.hooks.onSubscribed(this, wires);
  }

  private pong(reqId: string | undefined): void {
    if (this.limits.pongStyle === 'op-pong') {
      this.send({ ...(reqId === undefined ? {} : { req_id: reqId }), op: 'pong', args: [String(Date.now())], conn_id: this.connId });
      return;
    }
    // Linear echoes req_id (empty when none was sent); spot's pong has none.
    const echo = this.category === 'linear' ? { req_id: reqId ?? '' } : {};
    this.send({ success: true, ret_msg: 'pong', conn_id: this.connId, ...echo, op: 'ping' });
  }

  private answer(op: string, success: boolean, retMsg: string, reqId: string | undefined): void {
    const echo = reqId !== undefined ? { req_id: reqId } : this.category === 'linear' ? { req_id: '' } : {};
    this.send({ success, ret_msg: retMsg, conn_id: this.connId, ...echo, op });
  }

  private send(body: unknown): void {
    if (this.open) this.ws.send(JSON.stringify(body));
  }

  private closed(): void {
    clearInterval(this.idleTimer);
    this.hooks.onClosed(this);
  }
}
