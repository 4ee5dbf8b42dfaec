import WebSocket from 'ws';
import type { Clock } from '@exgate/runtime';

/** The exchange answered a command with an error (as opposed to the connection failing). */
export class CommandRejected extends Error {}

export interface SocketTimings {
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly silenceTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Binance allows 10 client messages a second per connection, pings included; stay under it. */
  readonly maxOutgoingPerSecond: number;
}

export interface SocketEvents {
  onOpen(): void;
  /** A data frame (command answers are handled here and not passed on). */
  onFrame(text: string, receivedAtMs: number): void;
  /** Exactly once, unless the socket was closed on purpose. */
  onDown(reason: string): void;
}

/**
 * One websocket to Binance's stream endpoint: answers server pings (ws does it), pings the server
 * and expects pongs, notices silence, and matches SUBSCRIBE/UNSUBSCRIBE answers to their ids.
 */
export class StreamSocket {
  readonly openedAtMs: number;
  private readonly ws: WebSocket;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly sentAtMs: number[] = [];
  private nextId = 1;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  /** Failed (onDown sent): nothing more is passed on. */
  private failed = false;
  /** Closed by us: frames already in the pipe are still passed on until the close completes. */
  private closing = false;
  private awaitingPong = false;
  private lastError: string | null = null;
  private outbox: Promise<void> = Promise.resolve();

  constructor(readonly url: string, private readonly t: SocketTimings, private readonly clock: Clock, private readonly events: SocketEvents) {
    this.openedAtMs = clock.nowMs();
    this.ws = new WebSocket(url, { handshakeTimeout: t.connectTimeoutMs, perMessageDeflate: false });
    this.ws.on('open', () => {
      this.armSilence();
      this.pingTimer = setInterval(() => this.ping(), t.pingIntervalMs);
      events.onOpen();
    });
    this.ws.on('message', (data, isBinary) => {
      if (this.failed) return;
      this.armSilence();
      if (!isBinary) this.onText(String(data));
    });
    this.ws.on('pong', () => {
      this.awaitingPong = false;
      clearTimeout(this.pongTimer);
    });
    this.ws.on('error', (e) => {
      this.lastError = e.message;
    });
    this.ws.on('close', (code, reason) => {
      const why = this.lastError ?? `closed by the exchange (${code}${reason.length > 0 ? ` ${String(reason)}` : ''})`;
      this.down(why);
    });
  }

  get isOpen(): boolean {
    return !this.failed && !this.closing && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `{"method", "params", "id"}` and resolves on Binance's `{"result":null,"id"}`. */
  command(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: readonly string[]): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no answer within ${this.t.commandTimeoutMs} ms`));
      }, this.t.commandTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.outbox = this.outbox.then(() => this.throttled(() => this.ws.send(JSON.stringify({ method, params, id }))));
    });
  }

  /** Closes on purpose: no onDown; frames already received are still delivered. */
  close(): void {
    if (this.failed || this.closing) return;
    this.closing = true;
    this.finish(new Error('socket closed'));
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(1000);
  }

  private onText(text: string): void {
    // Trade events always carry `"e":"`; command answers never do, and are small.
    if (!text.includes('"e":"') && text.length < 4096) {
      const answer = parseAnswer(text);
      if (answer) {
        const waiter = this.pending.get(answer.id);
        if (waiter) {
          this.pending.delete(answer.id);
          clearTimeout(waiter.timer);
          if (answer.error) waiter.reject(new CommandRejected(answer.error));
          else waiter.resolve();
          return;
        }
      }
    }
    this.events.onFrame(text, this.clock.nowMs());
  }

  private ping(): void {
    if (!this.isOpen || this.awaitingPong) return;
    this.awaitingPong = true;
    void this.throttled(() => this.ws.ping());
    this.pongTimer = setTimeout(() => this.fail(`no pong within ${this.t.pongTimeoutMs} ms`), this.t.pongTimeoutMs);
  }

  private armSilence(): void {
    if (this.failed || this.closing) return;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.fail(`silence: no frame for ${this.t.silenceTimeoutMs} ms`), this.t.silenceTimeoutMs);
  }

  private async throttled(send: () => void): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - 1000) this.sentAtMs.shift();
      if (this.sentAtMs.length < this.t.maxOutgoingPerSecond) break;
      await new Promise((resolve) => setTimeout(resolve, this.sentAtMs[0]! + 1000 - now));
    }
    if (!this.isOpen) return;
    this.sentAtMs.push(Date.now());
    send();
  }

  private fail(reason: string): void {
    this.ws.terminate();
    this.down(reason);
  }

  private down(reason: string): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    this.finish(new Error(reason));
    this.events.onDown(reason);
  }

  private finish(error: Error): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.silenceTimer);
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
}

function parseAnswer(text: string): { id: number; error: string | null } | null {
  try {
    const v = JSON.parse(text) as { id?: unknown; result?: unknown; error?: { code?: unknown; msg?: unknown } };
    if (typeof v.id !== 'number') return null;
    if (v.error) return { id: v.id, error: `Binance error ${String(v.error.code)}: ${String(v.error.msg)}` };
    return 'result' in v ? { id: v.id, error: null } : null;
  } catch {
    return null;
  }
}
