import type { TradeKind } from '@exgate/domain';
import { ExgateError, errorMessage } from '@exgate/errors';
import { backoffMs, type Clock, type Logger } from '@exgate/runtime';
import type { FeedStatus, FrameResult } from '../types';
import { mayHoldPrints } from './frame';
import type { FeedProtocol } from './protocol';
import { CommandRejected, FeedSocket, type SocketTimings } from './socket';

export interface ConnectionOptions extends SocketTimings {
  readonly id: string;
  readonly wsBaseUrl: string;
  readonly kind: TradeKind;
  readonly protocol: FeedProtocol;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Age at which a successor connection is opened; null: never (the exchange sets no lifetime). */
  readonly rotateAfterMs: number | null;
  /** Longest overlap before the old connection closes, when the new one has sent nothing yet. */
  readonly rotationOverlapMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Every frame, parsed once. `text` is kept for rejection samples. */
  readonly onFrame: (result: FrameResult, text: string, receivedAtMs: number) => void;
  readonly onStatus: (status: FeedStatus) => void;
}

type Held = readonly [FrameResult, string, number];

/**
 * One exchange connection carrying a set of symbols: connects (with the streams in the URL where
 * the exchange wants them there), keeps the server's subscriptions equal to the wanted set,
 * reconnects with backoff (resubscribing everything), and rotates with an overlap before the
 * exchange's lifetime cut or when the exchange announces a disconnect.
 */
export class FeedConnection {
  readonly symbols = new Set<string>();
  private socket: FeedSocket | null = null;
  /** Symbols the server has for `socket` (from its URL, then from answers). */
  private acked = new Set<string>();
  private successor: { socket: FeedSocket; symbols: Set<string>; timer?: NodeJS.Timeout } | null = null;
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

  /** Resolves when the server acknowledged, or at once when not connected (the next connect carries them). */
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

  private open(handlers: { onOpen: () => void; onFrame: (held: Held) => void; onDown: (reason: string, gapped: boolean) => void }): { socket: FeedSocket; symbols: Set<string> } {
    const symbols = new Set(this.symbols);
    const { protocol } = this.o;
    const url = protocol.url(this.o.wsBaseUrl, this.o.kind, [...symbols]);
    const sequences = new Map<string, number>();
    let gapped = false;
    const socket: FeedSocket = new FeedSocket(url, protocol, this.o, this.o.clock, {
      onOpen: handlers.onOpen,
      onFrame: (text, at) => {
        const result = protocol.parseFrame(text, at);
        const gap = sequenceGap(sequences, result);
        // The frame that shows the gap goes with the connection: the loss spans it, and the
        // disconnection marks every candle from the last print delivered on.
        if (gap === null) handlers.onFrame([result, text, at]);
        else {
          gapped = true;
          socket.drop(gap);
        }
      },
      onUndecodable: (rejection, at) => handlers.onFrame([{ type: 'rejected', rejection }, rejection.sample, at]),
      onDown: (reason) => handlers.onDown(reason, gapped),
      // Only the connection in charge vouches: a successor's frames are still held back.
      onAlive: (at) => {
        if (socket === this.socket && this.acked.size > 0) this.o.onStatus({ state: 'alive', connection: this.o.id, symbols: [...this.acked], atMs: at });
      },
    });
    return { socket, symbols: protocol.subscribesInUrl ? symbols : new Set() };
  }

  private connect(): void {
    this.attempt++;
    let live = false;
    const { socket, symbols } = this.open({
      onOpen: () => {
        this.acked = symbols;
        this.o.onStatus({ state: 'connected', connection: this.o.id, url: socket.url, symbols: [...this.symbols] });
        this.scheduleRotation();
        this.syncQuietly();
      },
      onFrame: (held) => {
        if (!live) {
          live = true;
          this.attempt = 0;
        }
        this.deliver(held);
      },
      onDown: (reason, gapped) => {
        if (this.socket !== socket) return;
        this.socket = null;
        clearTimeout(this.rotateTimer);
        this.retry(reason, gapped);
      },
    });
    this.o.onStatus({ state: 'connecting', connection: this.o.id, url: socket.url, attempt: this.attempt });
    this.socket = socket;
  }

  private deliver([result, text, at]: Held): void {
    if (result.type === 'reconnect') {
      this.o.logger.info({ connection: this.o.id, detail: result.detail }, 'the exchange announced a disconnect: rotating now');
      this.rotate();
      return;
    }
    this.o.onFrame(result, text, at);
    // Counted by the feed as a rejection; the collector judges whether ids can show the loss.
    if (result.type === 'rejected' && mayHoldPrints(result.rejection.kind)) {
      this.o.onStatus({ state: 'unread', connection: this.o.id, symbols: [...this.symbols], kind: result.rejection.kind });
    }
  }

  private retry(reason: string, gapped = false): void {
    const symbols = [...this.symbols];
    const cause = gapped ? { cause: 'sequence-gap' as const } : {};
    if (!this.running || this.symbols.size === 0) {
      this.o.onStatus({ state: 'disconnected', connection: this.o.id, symbols, reason, retryInMs: null, ...cause });
      return;
    }
    const delay = backoffMs(Math.max(0, this.attempt - 1), this.o.minBackoffMs, this.o.maxBackoffMs);
    this.o.onStatus({ state: 'disconnected', connection: this.o.id, symbols, reason, retryInMs: delay, ...cause });
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
        throw new ExgateError('EXCHANGE_REJECTED', `${this.o.protocol.exchange} refused the subscription change: ${e.message}`, { cause: e });
      }
      this.o.logger.warn({ connection: this.o.id, err: errorMessage(e) }, 'subscription change not acknowledged');
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<void> {
    const socket = this.socket;
    if (!socket?.isOpen) return;
    const add = [...this.symbols].filter((s) => !this.acked.has(s));
    const remove = [...this.acked].filter((s) => !this.symbols.has(s));
    const per = this.o.protocol.limits.maxSymbolsPerCommand;
    for (let i = 0; i < add.length; i += per) {
      const chunk = add.slice(i, i + per);
      await socket.command('subscribe', this.o.kind, chunk, [...this.acked, ...chunk]);
      for (const s of chunk) this.acked.add(s);
      this.o.onStatus({ state: 'subscribed', connection: this.o.id, symbols: chunk });
    }
    for (let i = 0; i < remove.length; i += per) {
      const chunk = remove.slice(i, i + per);
      await socket.command('unsubscribe', this.o.kind, chunk, [...this.acked].filter((s) => !chunk.includes(s)));
      for (const s of chunk) this.acked.delete(s);
    }
  }

  private scheduleRotation(): void {
    clearTimeout(this.rotateTimer);
    if (this.o.rotateAfterMs !== null) this.rotateTimer = setTimeout(() => this.rotate(), this.o.rotateAfterMs);
  }

  /**
   * Opens a successor with the same symbols. Its frames are held back while the old connection
   * keeps delivering; after the overlap the old one closes and the held frames follow, so per-symbol
   * order holds and the feed's de-duplication drops only true duplicates.
   */
  private rotate(): void {
    if (!this.running || !this.socket || this.successor) return;
    const held: Held[] = [];
    const next = this.open({
      onOpen: () => {
        const s = this.successor;
        if (s?.socket !== next.socket) return;
        // A successor that subscribes after opening must be subscribed before it can take over.
        void this.subscribeSuccessor(s).then(
          () => {
            if (this.successor === s) s.timer = setTimeout(() => this.promote(s.socket, held), this.o.rotationOverlapMs);
          },
          (e: unknown) => {
            if (this.successor === s) this.failRotation(errorMessage(e));
          },
        );
      },
      onFrame: (h) => {
        if (this.successor?.socket === next.socket) held.push(h);
        else this.deliver(h);
      },
      onDown: (reason, gapped) => {
        if (this.successor?.socket === next.socket) this.failRotation(reason);
        else if (this.socket === next.socket) {
          this.socket = null;
          clearTimeout(this.rotateTimer);
          this.retry(reason, gapped);
        }
      },
    });
    this.successor = next;
  }

  private async subscribeSuccessor(s: { socket: FeedSocket; symbols: Set<string> }): Promise<void> {
    const add = [...this.symbols].filter((x) => !s.symbols.has(x));
    const per = this.o.protocol.limits.maxSymbolsPerCommand;
    for (let i = 0; i < add.length; i += per) {
      const chunk = add.slice(i, i + per);
      await s.socket.command('subscribe', this.o.kind, chunk, [...s.symbols, ...chunk]);
      for (const x of chunk) s.symbols.add(x);
    }
  }

  private failRotation(reason: string): void {
    const s = this.successor;
    if (!s) return;
    clearTimeout(s.timer);
    s.socket.close();
    this.successor = null;
    this.o.logger.warn({ connection: this.o.id, reason }, 'rotation failed; keeping the old connection and trying again');
    this.rotateTimer = setTimeout(() => this.rotate(), this.o.minBackoffMs);
  }

  private promote(socket: FeedSocket, held: readonly Held[]): void {
    const next = this.successor;
    if (!next || next.socket !== socket) return;
    this.successor = null;
    const old = this.socket;
    this.socket = socket;
    this.acked = next.symbols;
    old?.close();
    for (const h of held) this.deliver(h);
    this.o.logger.info({ connection: this.o.id, url: socket.url, overlapFrames: held.length }, 'connection rotated');
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

/**
 * Checks an exchange's per-connection message counter (FrameSequence): the first number of each
 * stream on a connection starts it; after that, anything but previous + 1 is a gap (a repeat or a
 * number going back is one too: the exchange no longer says what it sent). Null: in order.
 */
export function sequenceGap(last: Map<string, number>, result: FrameResult): string | null {
  if (result.type === 'reconnect' || result.sequence === undefined) return null;
  const { sequence } = result;
  const previous = last.get(sequence.stream);
  last.set(sequence.stream, sequence.value);
  if (previous === undefined || sequence.value === previous + 1) return null;
  return `sequence gap on ${sequence.stream}: ${previous} then ${sequence.value}`;
}
