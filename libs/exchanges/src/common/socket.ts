import { createRequire } from 'node:module';
import type WebSocket from 'ws';
import type { TradeKind } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import { TurnBudget, type Clock } from '@exgate/runtime';
import type { FrameRejection } from '../types';
import { rejection } from './frame';
import type { FeedProtocol } from './protocol';

/** The exchange answered a command with an error (as opposed to the connection failing). */
export class CommandRejected extends Error {}

export interface SocketTimings {
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly silenceTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

export interface SocketEvents {
  onOpen(): void;
  /** A data frame as text (answers and pongs are handled here and not passed on). */
  onFrame(text: string, receivedAtMs: number): void;
  /** A binary frame the protocol could not decode. */
  onUndecodable(rejection: FrameRejection, receivedAtMs: number): void;
  /** Exactly once, unless the socket was closed on purpose. */
  onDown(reason: string): void;
  /** A pong: every frame the exchange sent before answering has arrived. */
  onAlive(receivedAtMs: number): void;
}

/** What the socket hands over, in arrival order: a text frame's bytes, a binary frame, a pong, the close. */
type Arrival = Buffer | { readonly binary: Buffer } | typeof PONG | { readonly closed: string };
const PONG: unique symbol = Symbol('pong');

interface Pending {
  readonly waiting: Set<string>;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * ws (and its native helpers) loaded with the first connection, not with the exchange registry:
 * `exgate candles` opens none, and loading it was a tenth of that command's start-up (ADR 0019).
 * A service that will connect loads it at start instead (`loadSocketLibrary`): loaded with the
 * first of 500 subscriptions, it held the collector's event loop for 50 ms (ADR 0018).
 */
export function loadSocketLibrary(): typeof WebSocket {
  return createRequire(__filename)('ws') as typeof WebSocket;
}

/**
 * One websocket to an exchange: heartbeats as the protocol wants them (ping frames or an
 * application message), silence detection, commands matched to their answers, and an outgoing
 * rate below the exchange's limit. Answers ws pings itself (the ws library does).
 */
export class FeedSocket {
  readonly openedAtMs: number;
  private readonly ws: WebSocket;
  private readonly pending: Pending[] = [];
  private readonly sentAtMs: number[] = [];
  private requestId = 1;
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
  /**
   * Frames (and pongs, and the close) received and not yet read, in arrival order; `next` is the
   * first unread. A text frame is its bytes as they came: no closure or wrapper per frame, as this
   * runs once a print.
   */
  private readonly backlog: Arrival[] = [];
  private next = 0;
  private reading = false;

  constructor(
    readonly url: string,
    private readonly protocol: FeedProtocol,
    private readonly t: SocketTimings,
    private readonly clock: Clock,
    private readonly events: SocketEvents,
  ) {
    this.openedAtMs = clock.nowMs();
    this.ws = new (loadSocketLibrary())(url, { handshakeTimeout: t.connectTimeoutMs, perMessageDeflate: false });
    this.ws.on('open', () => {
      this.armSilence();
      this.pingTimer = setInterval(() => this.ping(), t.pingIntervalMs);
      events.onOpen();
    });
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (this.failed) return;
      this.armSilence();
      this.enqueue(isBinary ? { binary: data } : data);
    });
    // Pongs and the close keep their place behind the frames that came before them: a pong vouches
    // for every frame before it, and frames that came before a close are still read.
    this.ws.on('pong', () => this.enqueue(PONG));
    this.ws.on('error', (e) => {
      this.lastError = e.message;
    });
    this.ws.on('close', (code, reason) => {
      const why = this.lastError ?? `closed by the exchange (${code}${reason.length > 0 ? ` ${String(reason)}` : ''})`;
      this.enqueue({ closed: why });
    });
  }

  get isOpen(): boolean {
    return !this.failed && !this.closing && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends the protocol's subscribe/unsubscribe message; resolves when every awaited answer came. */
  async command(op: 'subscribe' | 'unsubscribe', kind: TradeKind, symbols: readonly string[], carried: readonly string[]): Promise<void> {
    const cmd = await this.protocol.command(op, kind, symbols, () => this.requestId++, carried);
    await new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        waiting: new Set(cmd.awaits),
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(entry, new Error(`${op} got no answer within ${this.t.commandTimeoutMs} ms`));
        }, this.t.commandTimeoutMs),
      };
      this.pending.push(entry);
      this.send(cmd.text);
      // Some exchanges do not answer every command: such a command is done once it is sent.
      if (entry.waiting.size === 0) this.settle(entry, null);
    });
  }

  /** Closes on purpose: no onDown; frames already received are still delivered. */
  close(): void {
    if (this.failed || this.closing) return;
    this.closing = true;
    this.finish(new Error('socket closed'));
    if (this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
    else this.ws.close(1000);
  }

  private onData(data: Buffer, isBinary: boolean): void {
    if (this.failed) return;
    let text: string | null;
    try {
      text = isBinary ? (this.protocol.decode?.(data) ?? null) : data.toString();
    } catch (e) {
      this.events.onUndecodable(rejection('undecodable', `binary frame not decoded: ${errorMessage(e)}`, data.subarray(0, 64).toString('hex')), this.clock.nowMs());
      return;
    }
    if (text !== null) this.onText(text);
  }

  private enqueue(arrival: Arrival): void {
    this.backlog.push(arrival);
    if (!this.reading) this.read();
  }

  /**
   * Works through what arrived, within the process's turn budget (TurnBudget.process, shared with
   * its other sockets and long loops); past it the socket rests (paused: the exchange's frames wait
   * in the kernel, not here) and the rest follows in the next turn, after timers and other sockets
   * had theirs. A socket hands over a whole chunk of frames at once (64 KB: hundreds of frames):
   * read all at once they would hold the loop for as long as that takes, and heartbeats, flushes
   * and Kafka acknowledgements would wait with it.
   */
  private read(): void {
    this.reading = true;
    while (this.next < this.backlog.length) {
      if (!TurnBudget.process.lasts()) {
        this.ws.pause();
        setImmediate(() => {
          this.ws.resume();
          this.read();
        });
        return;
      }
      const arrival = this.backlog[this.next++]!;
      try {
        this.take(arrival);
      } catch (e) {
        // A handler's bug must not leave the socket unread for good.
        this.reading = false;
        throw e;
      }
    }
    this.backlog.length = 0;
    this.next = 0;
    this.reading = false;
  }

  private take(arrival: Arrival): void {
    if (arrival instanceof Uint8Array) this.onData(arrival, false);
    else if (arrival === PONG) this.ponged();
    else if ('binary' in arrival) this.onData(arrival.binary, true);
    else this.down(arrival.closed);
  }

  /** Drops the connection as failed (onDown follows): the exchange's stream can no longer be trusted. */
  drop(reason: string): void {
    if (this.failed || this.closing) return;
    this.fail(reason);
  }

  private onText(text: string): void {
    const heartbeat = this.protocol.heartbeat;
    if (heartbeat.type === 'message' && heartbeat.isPong(text)) {
      this.ponged();
      return;
    }
    const answer = this.protocol.answer(text);
    if (answer && this.onAnswer(answer.keys, answer.error)) return;
    this.events.onFrame(text, this.clock.nowMs());
  }

  /** True when the answer settled (part of) a pending command; unmatched answers go on as frames. */
  private onAnswer(keys: readonly string[] | null, error: string | null): boolean {
    if (keys === null) {
      const oldest = this.pending[0];
      if (!oldest) return false;
      this.settle(oldest, error === null ? null : new CommandRejected(error));
      return true;
    }
    for (const entry of this.pending) {
      let hit = false;
      for (const key of keys) if (entry.waiting.delete(key)) hit = true;
      if (!hit) continue;
      if (error !== null) this.settle(entry, new CommandRejected(error));
      else if (entry.waiting.size === 0) this.settle(entry, null);
      return true;
    }
    return false;
  }

  private settle(entry: Pending, error: Error | null): void {
    const at = this.pending.indexOf(entry);
    if (at < 0) return;
    this.pending.splice(at, 1);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve();
  }

  private ping(): void {
    if (!this.isOpen || this.awaitingPong) return;
    this.awaitingPong = true;
    const heartbeat = this.protocol.heartbeat;
    if (heartbeat.type === 'ws-ping') this.throttled(() => this.ws.ping());
    else this.send(heartbeat.ping(() => this.requestId++));
    this.pongTimer = setTimeout(() => this.fail(`no pong within ${this.t.pongTimeoutMs} ms`), this.t.pongTimeoutMs);
  }

  private ponged(): void {
    this.awaitingPong = false;
    clearTimeout(this.pongTimer);
    if (!this.failed && !this.closing) this.events.onAlive(this.clock.nowMs());
  }

  private send(text: string): void {
    this.throttled(() => this.ws.send(text));
  }

  /** Messages leave in order, never faster than the exchange allows. */
  private throttled(send: () => void): void {
    this.outbox = this.outbox.then(async () => {
      const max = this.protocol.limits.maxOutgoingPerSecond;
      for (;;) {
        const now = Date.now();
        while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - 1000) this.sentAtMs.shift();
        if (this.sentAtMs.length < max) break;
        await new Promise((resolve) => setTimeout(resolve, this.sentAtMs[0]! + 1000 - now));
      }
      if (!this.isOpen) return;
      this.sentAtMs.push(Date.now());
      send();
    });
  }

  /**
   * Restarts the silence countdown. Called for every frame, so the one timer is refreshed (~60 ns)
   * rather than cleared and set anew (~310 ns, 5 % of the collector's CPU at replay speed).
   */
  private armSilence(): void {
    if (this.failed || this.closing) return;
    if (this.silenceTimer) {
      this.silenceTimer.refresh();
      return;
    }
    this.silenceTimer = setTimeout(() => {
      // Frames still unread (the socket rests behind its backlog): the slow side is this process.
      if (this.reading) this.armSilence();
      else this.fail(`silence: no frame for ${this.t.silenceTimeoutMs} ms`);
    }, this.t.silenceTimeoutMs);
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
    for (const entry of this.pending.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }
}
