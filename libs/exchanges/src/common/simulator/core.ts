import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TradeKind } from '@exgate/domain';
import type { ExchangeSimulator, Pace } from '../../types';
import { SymbolPlayer } from './player';

/** What every simulated print has, whatever the exchange's frames look like. */
export interface SimTrade {
  readonly symbol: string;
  readonly kind: TradeKind;
  /** Ordered within (symbol, kind): the exchange's id, or the simulator's sequence where ids carry no order. */
  readonly id: number;
  /** When the exchange sends it: the player paces by this. */
  readonly eventTimeMs: number;
}

export interface SimulatorStats {
  connectionsOpened: number;
  /** Frames written to sockets: more than the prints when connections overlap. */
  framesSent: number;
  pongsReceived: number;
  restRequests: number;
  /** REST answers by status code, e.g. { 200: 12, 429: 1 }. */
  restStatuses: Record<number, number>;
}

export interface RestFault {
  readonly status: number;
  readonly retryAfterS?: number;
  /** Answer after this long (a slow exchange, for timeouts). */
  readonly delayMs?: number;
}

/**
 * The faults and observations every simulator offers, whatever its protocol: the fault suite and
 * the collector's tests drive any exchange through these.
 */
export interface SimulatorControl extends ExchangeSimulator {
  readonly stats: SimulatorStats;
  /** Cuts every open websocket abruptly (no close frame), as a network failure would. */
  dropConnections(): void;
  /** Writes `text` as it is to every open connection (malformed-frame tests). */
  sendRaw(text: string): void;
  /** The next `n` prints (of a symbol/kind, or any) are printed by the exchange but sent to nobody. */
  skipNext(n: number, filter?: PrintFilter): void;
  /**
   * The next `n` prints (of a symbol/kind, or any) are printed and sent, but the frame that carries
   * each reaches the connections that would have read it cut short (CUT_SHORT_FRAME). The exchange
   * keeps them as printed: a later connection or REST call gets them as any other.
   */
  garbleNext(n: number, filter?: PrintFilter): void;
  /** The next `times` REST requests answer `status` (with Retry-After when given), after `delayMs`. */
  failRest(status: number, options?: { retryAfterS?: number; times?: number; delayMs?: number }): void;
  /** Connections open now go quiet for `ms`: no frames, no pongs, commands ignored. */
  silence(ms: number): void;
  pause(): void;
  resume(): void;
  /** Ids the exchange has printed so far (sent or not), in order. */
  printedIds(symbol: string, kind: TradeKind): number[];
  /** Ids delivered to at least one connection, in order. */
  sentIds(symbol: string, kind: TradeKind): number[];
  /** Symbols some client subscribed: each plays from its first subscription (paused, it waits). */
  readonly started: ReadonlySet<string>;
}

/**
 * What becomes of a print on its way out, as the fault rules decide: `sent` as recorded;
 * `garbled`: the frame that carries it arrives cut short (CUT_SHORT_FRAME); `lost`: printed, and it
 * reaches nobody (an exchange that numbers its messages still numbers it); `patched`: it arrives
 * with `patch`'s fields replaced (a field the exchange changed the form of).
 */
export type PrintFate =
  | { readonly kind: 'sent' | 'garbled' | 'lost' }
  | { readonly kind: 'patched'; readonly patch: Readonly<Record<string, unknown>> };

export const SENT: PrintFate = { kind: 'sent' };
export const GARBLED: PrintFate = { kind: 'garbled' };
export const LOST: PrintFate = { kind: 'lost' };

/** A fault rule: the next `remaining` prints it matches meet `fate`. */
interface PrintRule {
  remaining: number;
  readonly fate: PrintFate;
  readonly symbol?: string;
  readonly kind?: TradeKind;
}

export interface PrintFilter {
  readonly symbol?: string;
  readonly kind?: TradeKind;
}

/** A frame cut off mid-way, as a broken proxy or a bad write delivers it: every exchange's mapper rejects it. */
export const CUT_SHORT_FRAME = '{"data":[{"price":"64012.';

/**
 * Plays each symbol's prints like a live exchange (once started, whether or not anyone listens),
 * hands each with its fate to `deliver` (which writes it to the connections that want it, as its
 * fate says), and keeps what was printed and what was sent readable. A print is taken by the
 * first fault rule that matches it, in the order the rules were made; the rest are `sent`.
 * `deliver` answers whether a `sent` or `patched` print reached a connection readable; a simulator
 * that sends later (a frame of several prints) answers false and calls `recordSent` when it does.
 */
export class PrintPlayers<P extends SimTrade> {
  private readonly players = new Map<string, SymbolPlayer<P>>();
  private readonly sent = new Map<string, number[]>();
  private readonly rules: PrintRule[] = [];
  private readonly startedSymbols = new Set<string>();
  private paused = false;

  /**
   * `burst`: how a turn of a player's prints is sent (SimServer.corked: in one write per socket).
   * `ready`: whether the listeners take more now (SimServer.congested), for the `asap` pace.
   */
  constructor(
    timelines: ReadonlyMap<string, readonly P[]>,
    pace: Pace,
    private readonly deliver: (print: P, fate: PrintFate) => boolean,
    burst?: (run: () => void) => void,
    ready?: () => boolean,
  ) {
    for (const [symbol, timeline] of timelines) this.players.set(symbol, new SymbolPlayer(timeline, pace, (p) => this.emit(p), burst, ready));
  }

  get symbols(): readonly string[] {
    return [...this.players.keys()];
  }

  get printCount(): number {
    let n = 0;
    for (const p of this.players.values()) n += p.timeline.length;
    return n;
  }

  has(symbol: string): boolean {
    return this.players.has(symbol);
  }

  get started(): ReadonlySet<string> {
    return this.startedSymbols;
  }

  /** The first subscriber of a symbol starts its clock (idempotent). */
  start(symbol: string): void {
    const player = this.players.get(symbol);
    if (!player) return;
    this.startedSymbols.add(symbol);
    if (this.paused) player.pause();
    player.start();
  }

  pause(): void {
    this.paused = true;
    for (const p of this.players.values()) p.pause();
  }

  resume(): void {
    this.paused = false;
    for (const p of this.players.values()) p.resume();
  }

  stop(): void {
    for (const p of this.players.values()) p.stop();
  }

  /** The next `n` prints the filter matches (after those of earlier rules) meet `fate`. */
  next(n: number, fate: PrintFate, filter: PrintFilter = {}): void {
    if (n > 0) this.rules.push({ remaining: n, fate, ...filter });
  }

  async drained(symbols: readonly string[] = this.symbols): Promise<void> {
    await Promise.all(symbols.map((s) => this.player(s).drained()));
  }

  /** Every print of the symbol's recording, in play order. */
  timeline(symbol: string): readonly P[] {
    return this.player(symbol).timeline;
  }

  /** The prints played so far. */
  printed(symbol: string): readonly P[] {
    const p = this.player(symbol);
    return p.timeline.slice(0, p.cursor);
  }

  printedIds(symbol: string, kind: TradeKind): number[] {
    return this.printed(symbol).filter((x) => x.kind === kind).map((x) => x.id);
  }

  sentIds(symbol: string, kind: TradeKind): number[] {
    return [...(this.sent.get(`${symbol}:${kind}`) ?? [])];
  }

  private player(symbol: string): SymbolPlayer<P> {
    const p = this.players.get(symbol);
    if (!p) throw new Error(`no recording for ${symbol}`);
    return p;
  }

  /** `print` reached a connection readable (for simulators that send after `deliver` answered). */
  recordSent(print: P): void {
    const key = `${print.symbol}:${print.kind}`;
    const ids = this.sent.get(key);
    if (ids) ids.push(print.id);
    else this.sent.set(key, [print.id]);
  }

  private emit(print: P): void {
    const fate = this.fateOf(print);
    if (this.deliver(print, fate) && (fate.kind === 'sent' || fate.kind === 'patched')) this.recordSent(print);
  }

  /** Takes one from the first rule that matches the print; `sent` when none does. */
  private fateOf(print: P): PrintFate {
    if (this.rules.length === 0) return SENT;
    const at = this.rules.findIndex((r) => (r.symbol ?? print.symbol) === print.symbol && (r.kind ?? print.kind) === print.kind);
    if (at < 0) return SENT;
    const rule = this.rules[at]!;
    if (--rule.remaining === 0) this.rules.splice(at, 1);
    return rule.fate;
  }
}

/** REST faults queued by failRest, taken one request at a time. */
export class RestFaults {
  private readonly queue: (RestFault & { remaining: number })[] = [];

  push(status: number, options: { retryAfterS?: number; times?: number; delayMs?: number } = {}): void {
    this.queue.push({ status, retryAfterS: options.retryAfterS, delayMs: options.delayMs, remaining: options.times ?? 1 });
  }

  take(): RestFault | null {
    const fault = this.queue[0];
    if (!fault) return null;
    if (--fault.remaining <= 0) this.queue.shift();
    return fault;
  }
}

/** Takes an upgraded socket: `onSocket` gets the websocket once the handshake is done. */
export type AcceptSocket = (onSocket: (ws: WebSocket) => void) => void;

export interface SimServerHandlers {
  readonly rest: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Accept the upgrade (return true and take the socket) or refuse it (false: 404). */
  readonly upgrade: (req: IncomingMessage, accept: AcceptSocket) => boolean;
}

/** Bytes queued for a client past which an `asap` replay waits for it (a pong behind them stays prompt). */
export const CONGESTED_BYTES = 1024 * 1024;

/** One port for REST and websockets, as the simulators' exchanges have (different hosts there). */
export class SimServer {
  wsBaseUrl = '';
  restBaseUrl = '';
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly server: Server;
  /** The sockets under the websockets, as the upgrade handed them over (ws keeps its own private). */
  private readonly upgraded = new Set<Socket>();

  constructor(handlers: SimServerHandlers) {
    this.server = createServer((req, res) => {
      handlers.rest(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(e) }));
      });
    });
    this.server.on('upgrade', (req, socket: Socket, head) => {
      const accepted = handlers.upgrade(req, (onSocket) => {
        this.upgraded.add(socket);
        socket.once('close', () => this.upgraded.delete(socket));
        this.wss.handleUpgrade(req, socket, head, onSocket);
      });
      if (!accepted) socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    });
  }

  async listen(host = '127.0.0.1', port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const { address } = this.server.address() as AddressInfo;
    const actual = (this.server.address() as AddressInfo).port;
    this.wsBaseUrl = `ws://${address}:${actual}`;
    this.restBaseUrl = `http://${address}:${actual}`;
  }

  /**
   * Runs `run` with every client's socket corked, so the frames it sends leave in one write per
   * socket, as an exchange's frames arrive coalesced under load, not in a system call each (a
   * replay at full speed spent a third of its CPU in those).
   */
  corked(run: () => void): void {
    const sockets = [...this.upgraded].filter((socket) => !socket.destroyed);
    for (const socket of sockets) socket.cork();
    try {
      run();
    } finally {
      for (const socket of sockets) socket.uncork();
    }
  }

  /** Some client has more than CONGESTED_BYTES written to it and not yet taken by the system. */
  congested(): boolean {
    for (const socket of this.upgraded) if (socket.writableLength > CONGESTED_BYTES) return true;
    return false;
  }

  async close(): Promise<void> {
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
