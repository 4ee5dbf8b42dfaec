import type { TradeKind } from '@exgate/domain';
import { ExgateError, errorMessage } from '@exgate/errors';
import { backoffMs, type Clock, type Logger } from '@exgate/runtime';
import type { FeedStatus } from '../types';
import { ROUTE_OF_KIND, streamName } from './constants';
import { CommandRejected, StreamSocket, type SocketTimings } from './socket';

export interface ConnectionOptions extends SocketTimings {
  readonly id: string;
  readonly wsBaseUrl: string;
  readonly kind: TradeKind;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Age at which a successor connection is opened (Binance cuts at 24 h). */
  readonly maxConnectionAgeMs: number;
  /** Longest overlap before the old connection closes, when the new one has sent nothing yet. */
  readonly rotationOverlapMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onFrame: (text: string, receivedAtMs: number) => void;
  readonly onStatus: (status: FeedStatus) => void;
}

/**
 * One Binance stream connection carrying a set of symbols: connects with the streams in the URL,
 * keeps the server's subscriptions equal to the wanted set with SUBSCRIBE/UNSUBSCRIBE, reconnects
 * with backoff (resubscribing everything), and rotates before the 24 h cut with an overlap.
 */
export class StreamConnection {
  readonly symbols = new Set<string>();
  private socket: StreamSocket | null = null;
  /** Streams the server has for `socket` (from its URL, then from acks). */
  private acked = new Set<string>();
  private successor: { socket: StreamSocket; streams: Set<string>; timer?: NodeJS.Timeout } | null = null;
  private running = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private rotateTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly o: ConnectionOptions) {}

  start(): void {
    this.running = true;
    this.ensureConnected();
  }

  /** Resolves when the server acknowledged, or at once when not connected (the URL will carry them). */
  update(add: readonly string[], remove: readonly string[]): Promise<void> {
    for (const s of add) this.symbols.add(s);
    for (const s of remove) this.symbols.delete(s);
    if (this.symbols.size === 0) {
      this.closeAll('no symbols left');
      return Promise.resolve();
    }
    this.ensureConnected();
    return this.sync();
  }

  stop(): void {
    this.running = false;
    this.closeAll('stopped');
  }

  private ensureConnected(): void {
    if (!this.running || this.symbols.size === 0 || this.socket || this.retryTimer) return;
    this.connect();
  }

  private url(streams: Iterable<string>): string {
    return `${this.o.wsBaseUrl.replace(/\/$/, '')}/${ROUTE_OF_KIND[this.o.kind]}/stream?streams=${[...streams].join('/')}`;
  }

  private wanted(): Set<string> {
    return new Set([...this.symbols].map((s) => streamName(s, this.o.kind)));
  }

  private connect(): void {
    this.attempt++;
    const streams = this.wanted();
    const url = this.url(streams);
    this.o.onStatus({ state: 'connecting', connection: this.o.id, url, attempt: this.attempt });
    let live = false;
    const socket: StreamSocket = new StreamSocket(url, this.o, this.o.clock, {
      onOpen: () => {
        this.acked = streams;
        this.o.onStatus({ state: 'connected', connection: this.o.id, url, symbols: [...this.symbols] });
        this.scheduleRotation();
        this.syncQuietly();
      },
      onFrame: (text, at) => {
        if (!live) {
          live = true;
          this.attempt = 0;
        }
        this.o.onFrame(text, at);
      },
      onDown: (reason) => {
        if (this.socket !== socket) return;
        this.socket = null;
        clearTimeout(this.rotateTimer);
        this.retry(reason);
      },
    });
    this.socket = socket;
  }

  private retry(reason: string): void {
    const symbols = [...this.symbols];
    if (!this.running || this.symbols.size === 0) {
      this.o.onStatus({ state: 'disconnected', connection: this.o.id, symbols, reason, retryInMs: null });
      return;
    }
    const delay = backoffMs(Math.max(0, this.attempt - 1), this.o.minBackoffMs, this.o.maxBackoffMs);
    this.o.onStatus({ state: 'disconnected', connection: this.o.id, symbols, reason, retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureConnected();
    }, delay);
  }

  /**
   * One sync at a time; each compares what the server has with what we want. A refused command
   * fails the caller; a lost answer does not (the silence/pong checks or the reconnect settle it).
   */
  private sync(): Promise<void> {
    const run = this.syncing.then(() => this.syncOnce()).catch((e: unknown) => {
      if (e instanceof CommandRejected) {
        throw new ExgateError('EXCHANGE_REJECTED', `Binance refused the subscription change: ${e.message}`, { cause: e });
      }
      this.o.logger.warn({ connection: this.o.id, err: errorMessage(e) }, 'subscription change not acknowledged');
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<void> {
    const socket = this.socket;
    if (!socket?.isOpen) return;
    const wanted = this.wanted();
    const add = [...wanted].filter((s) => !this.acked.has(s));
    const remove = [...this.acked].filter((s) => !wanted.has(s));
    if (add.length > 0) {
      await socket.command('SUBSCRIBE', add);
      for (const s of add) this.acked.add(s);
    }
    if (remove.length > 0) {
      await socket.command('UNSUBSCRIBE', remove);
      for (const s of remove) this.acked.delete(s);
    }
  }

  private scheduleRotation(): void {
    clearTimeout(this.rotateTimer);
    this.rotateTimer = setTimeout(() => this.rotate(), this.o.maxConnectionAgeMs);
  }

  /**
   * Opens a successor with the same streams. Its frames are held back while the old connection
   * keeps delivering; after the overlap the old one closes and the held frames follow, so per-symbol
   * ids stay in order and the feed's dedup drops only true duplicates.
   */
  private rotate(): void {
    if (!this.running || !this.socket || this.successor) return;
    const streams = this.wanted();
    const held: [string, number][] = [];
    const socket: StreamSocket = new StreamSocket(this.url(streams), this.o, this.o.clock, {
      onOpen: () => {
        if (this.successor?.socket === socket) this.successor.timer = setTimeout(() => this.promote(socket, held), this.o.rotationOverlapMs);
      },
      onFrame: (text, at) => {
        if (this.successor?.socket === socket) held.push([text, at]);
        else this.o.onFrame(text, at);
      },
      onDown: (reason) => {
        if (this.successor?.socket === socket) {
          clearTimeout(this.successor.timer);
          this.successor = null;
          this.o.logger.warn({ connection: this.o.id, reason }, 'rotation failed; keeping the old connection and trying again');
          this.rotateTimer = setTimeout(() => this.rotate(), this.o.minBackoffMs);
        } else if (this.socket === socket) {
          this.socket = null;
          clearTimeout(this.rotateTimer);
          this.retry(reason);
        }
      },
    });
    this.successor = { socket, streams };
  }

  private promote(socket: StreamSocket, held: readonly [string, number][]): void {
    const next = this.successor;
    if (!next || next.socket !== socket) return;
    this.successor = null;
    const old = this.socket;
    this.socket = socket;
    this.acked = next.streams;
    old?.close();
    for (const [text, at] of held) this.o.onFrame(text, at);
    this.o.logger.info({ connection: this.o.id, url: socket.url, overlapFrames: held.length }, 'connection rotated before the 24 h cut');
    this.scheduleRotation();
    this.syncQuietly();
  }

  /** After (re)connecting nobody awaits the sync: a refusal is logged. */
  private syncQuietly(): void {
    this.sync().catch((e: unknown) => this.o.logger.error({ connection: this.o.id, err: errorMessage(e) }, 'resubscription refused'));
  }

  private closeAll(reason: string): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.rotateTimer);
    if (this.successor) {
      clearTimeout(this.successor.timer);
      this.successor.socket.close();
      this.successor = null;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.close();
      this.o.onStatus({ state: 'disconnected', connection: this.o.id, symbols: [...this.symbols], reason, retryInMs: null });
    }
  }
}
