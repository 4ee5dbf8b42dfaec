import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import {
  GARBLED, LOST, PrintPlayers, RestFaults, SimServer,
  type AcceptSocket, type PrintFate, type PrintFilter, type SimTrade, type SimulatorControl, type SimulatorStats,
} from './core';

/** What the shared faults need of a simulator's connection. */
export interface PlayedConnection {
  readonly id: number;
  terminate(): void;
  /** Writes `text` as it is, framed as the exchange frames its messages. */
  sendRaw(text: string): void;
  /** No frames, no pongs, commands ignored until then. */
  silenceUntil(untilMs: number): void;
}

/**
 * What every simulator shares whatever its protocol: the players of its recording, one port for
 * REST and websockets, its open connections and stats, and the faults and observations of
 * SimulatorControl that do not depend on the protocol. A simulator adds its protocol: how a print
 * goes out as its fate says (`deliver`), its REST (`serveRest`) and its websocket paths
 * (`serveUpgrade`), and reports its connections' lives through `opened`, `pinged` and `closed`.
 */
export abstract class PlayedSimulator<P extends SimTrade, C extends PlayedConnection> extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  protected readonly connections = new Set<C>();
  protected readonly players: PrintPlayers<P>;
  protected readonly restFaults = new RestFaults();
  protected readonly server: SimServer;
  private nextConnectionId = 1;

  /**
   * `flowControl`: a turn of prints is written corked and the `asap` pace waits for congested
   * readers (SimServer). False for a simulator whose frames do not go out as prints play.
   */
  protected constructor(timelines: ReadonlyMap<string, readonly P[]>, pace: Pace, flowControl = true) {
    super();
    const deliver = (p: P, fate: PrintFate) => this.deliver(p, fate);
    this.players = flowControl
      ? new PrintPlayers(timelines, pace, deliver, (run) => this.server.corked(run), () => !this.server.congested())
      : new PrintPlayers(timelines, pace, deliver);
    this.server = new SimServer({ rest: (req, res) => this.serveRest(req, res), upgrade: (req, accept) => this.serveUpgrade(req, accept) });
  }

  /** Writes `print` to the connections that want it, as its fate says (PrintPlayers' `deliver`). */
  protected abstract deliver(print: P, fate: PrintFate): boolean;
  protected abstract serveRest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  protected abstract serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean;

  protected async listen(host?: string, port?: number): Promise<void> {
    await this.server.listen(host, port);
  }

  get wsBaseUrl(): string {
    return this.server.wsBaseUrl;
  }

  get restBaseUrl(): string {
    return this.server.restBaseUrl;
  }

  /** Symbols some client subscribed, in the players' spelling. */
  get started(): ReadonlySet<string> {
    return this.players.started;
  }

  get symbols(): readonly string[] {
    return this.players.symbols;
  }

  get printCount(): number {
    return this.players.printCount;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    this.players.stop();
    for (const c of this.connections) c.terminate();
    await this.server.close();
  }

  // ---- faults ----

  dropConnections(): void {
    for (const c of this.connections) c.terminate();
  }

  sendRaw(text: string): void {
    for (const c of this.connections) c.sendRaw(text);
  }

  skipNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, LOST, filter);
  }

  garbleNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, GARBLED, filter);
  }

  failRest(status: number, options: { retryAfterS?: number; times?: number; delayMs?: number } = {}): void {
    this.restFaults.push(status, options);
  }

  silence(ms: number): void {
    const until = Date.now() + ms;
    for (const c of this.connections) c.silenceUntil(until);
  }

  pause(): void {
    this.players.pause();
  }

  resume(): void {
    this.players.resume();
  }

  drained(symbols?: readonly string[]): Promise<void> {
    return this.players.drained(symbols);
  }

  // ---- observations ----

  printedIds(symbol: string, kind: TradeKind): number[] {
    return this.players.printedIds(symbol, kind);
  }

  sentIds(symbol: string, kind: TradeKind): number[] {
    return this.players.sentIds(symbol, kind);
  }

  /** Every print of the symbol's recording, in play order. */
  timeline(symbol: string): readonly P[] {
    return this.players.timeline(symbol);
  }

  /** The prints played so far. */
  printed(symbol: string): readonly P[] {
    return this.players.printed(symbol);
  }

  // ---- for the protocols ----

  /** What REST serves of a symbol's prints: those printed so far (as a live exchange) or the whole recording. */
  protected historyOf(symbol: string, scope: 'printed' | 'all' = 'printed'): readonly P[] {
    if (!this.players.has(symbol)) return [];
    return scope === 'all' ? this.players.timeline(symbol) : this.players.printed(symbol);
  }

  /**
   * Offers a frame to every open connection (`send` answers whether that one took it); each one
   * taken counts as a frame sent. Whether any connection took it.
   */
  protected toEach(send: (c: C) => boolean): boolean {
    let sent = false;
    for (const c of this.connections) {
      if (!send(c)) continue;
      this.stats.framesSent++;
      sent = true;
    }
    return sent;
  }

  /** The id of a connection about to open, counted. */
  protected connectionId(): number {
    this.stats.connectionsOpened++;
    return this.nextConnectionId++;
  }

  /** `c` is open: the faults reach it. Emits `connection` with `detail`. */
  protected opened(c: C, detail: Readonly<Record<string, unknown>> = {}): void {
    this.connections.add(c);
    this.emit('connection', { id: c.id, ...detail });
  }

  /** `c` answered a ping, or pinged (`event`, with the connection's id). */
  protected pinged(c: C, event = 'ping'): void {
    this.stats.pongsReceived++;
    this.emit(event, { id: c.id });
  }

  protected closed(c: C): void {
    this.connections.delete(c);
    this.emit('close', { id: c.id });
  }

  /** A REST request answered `status`: counted, and emitted as `rest` with `detail`. */
  protected answered(status: number, detail: Readonly<Record<string, unknown>>): void {
    this.stats.restRequests++;
    this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
    this.emit('rest', { ...detail, status });
  }
}
