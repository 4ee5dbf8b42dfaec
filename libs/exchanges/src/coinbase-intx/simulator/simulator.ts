import { EventEmitter } from 'node:events';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import { GARBLED, LOST, PrintPlayers, RestFaults, SimServer, type PrintFate, type PrintFilter, type SimulatorControl, type SimulatorStats } from '../../common/simulator/core';
import type { IntxCredentials } from '../protocol';
import { IntxSimConnection, SUBSCRIBE_WITHIN_MS } from './connection';
import { recordingFromFrames, type IntxSimPrint } from './recording';
import { handleIntxRest } from './rest-handler';

export interface IntxSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of MATCH messages, any instruments. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed without matches. */
  readonly extraSymbols?: readonly string[];
  /** The key it accepts (default: a fixed test key, not a real one). */
  readonly credentials?: IntxCredentials;
  readonly subscribeWithinMs?: number;
}

/** Made up for the simulator; the secret is base64 as INTX's are. */
export const SIMULATOR_CREDENTIALS: IntxCredentials = {
  apiKey: 'simulator-key', passphrase: 'simulator-passphrase', apiSecret: Buffer.from('exgate intx simulator secret').toString('base64'),
};

/**
 * A local Coinbase INTX: the market-data websocket (signed SUBSCRIBE checked against its own
 * `credentials`, SUBSCRIPTIONS snapshots, REJECTs, websocket ping/pong, the 3 s subscribe cut,
 * MATCH messages with per-connection sequences) and the public REST the adapter calls
 * (instruments, candles), playing recorded MATCH messages, with every fault of SimulatorControl.
 * A lost match still takes its sequence number, as a message lost on the way would.
 * Events: connection, close, subscribe, ping, rest.
 */
export class IntxSimulator extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  readonly credentials: IntxCredentials;
  private readonly connections = new Set<IntxSimConnection>();
  private readonly players: PrintPlayers<IntxSimPrint>;
  private readonly restFaults = new RestFaults();
  private readonly server: SimServer;
  private readonly listing: readonly string[];
  private nextConnectionId = 1;

  private constructor(private readonly options: IntxSimulatorOptions) {
    super();
    this.credentials = options.credentials ?? SIMULATOR_CREDENTIALS;
    const timelines = recordingFromFrames(options.frames);
    this.listing = [...new Set([...timelines.keys(), ...(options.extraSymbols ?? [])])];
    this.players = new PrintPlayers(timelines, options.pace ?? 'asap', (p, fate) => this.deliver(p, fate), (run) => this.server.corked(run),
      () => !this.server.congested());
    this.server = new SimServer({
      rest: (req, res) => handleIntxRest(req, res, {
        listed: () => this.listing,
        prints: (product) => this.restPrints(product),
        takeFault: () => this.restFaults.take(),
        onRequest: (path, query, status) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, query, status });
        },
      }),
      upgrade: (req, accept) => {
        const path = new URL(req.url ?? '/', 'ws://simulator').pathname;
        if (path !== '/') return false;
        accept((ws) => {
          const id = this.nextConnectionId++;
          this.stats.connectionsOpened++;
          const conn = new IntxSimConnection(id, ws, {
            credentials: this.credentials,
            subscribeWithinMs: options.subscribeWithinMs ?? SUBSCRIBE_WITHIN_MS,
            maxClockSkewS: 30,
            listed: (product) => this.listing.includes(product),
            onSubscribed: (c, products) => {
              this.emit('subscribe', { id: c.id, products });
              for (const p of products) this.players.start(p);
            },
            onPing: (c) => {
              this.stats.pongsReceived++;
              this.emit('ping', { id: c.id });
            },
            onClosed: (c) => {
              this.connections.delete(c);
              this.emit('close', { id: c.id });
            },
          });
          this.connections.add(conn);
          this.emit('connection', { id, url: req.url ?? '' });
        });
        return true;
      },
    });
  }

  static async start(options: IntxSimulatorOptions): Promise<IntxSimulator> {
    const sim = new IntxSimulator(options);
    await sim.server.listen(options.host, options.port);
    return sim;
  }

  get wsBaseUrl(): string {
    return this.server.wsBaseUrl;
  }

  get restBaseUrl(): string {
    return this.server.restBaseUrl;
  }

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

  /** Printed and numbered, sent to nobody: the next message on each connection shows the gap. */
  skipNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, LOST, filter);
  }

  garbleNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, GARBLED, filter);
  }

  /**
   * Numbered and sent with `patch`'s fields replaced: a message that arrives and takes its place
   * in the sequence but cannot be read (INTX changing a field's form, say).
   */
  spoilNext(n: number, patch: Readonly<Record<string, unknown>>, filter: { symbol?: string } = {}): void {
    this.players.next(n, { kind: 'patched', patch }, filter);
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

  timeline(symbol: string): readonly IntxSimPrint[] {
    return this.players.timeline(symbol);
  }

  printed(symbol: string): readonly IntxSimPrint[] {
    return this.players.printed(symbol);
  }

  /** Subscribed instruments per open connection. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.products].sort());
  }

  // ---- internals ----

  private restPrints(product: string): readonly IntxSimPrint[] {
    if (!this.players.has(product)) return [];
    return this.options.restHistory === 'all' ? this.players.timeline(product) : this.players.printed(product);
  }

  private deliver(p: IntxSimPrint, fate: PrintFate): boolean {
    let sent = false;
    for (const c of this.connections) {
      if (c.deliver(p.symbol, p.message, fate)) {
        this.stats.framesSent++;
        sent = true;
      }
    }
    return sent;
  }
}
