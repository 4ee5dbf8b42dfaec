import { EventEmitter } from 'node:events';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import { CUT_SHORT_FRAME, GARBLED, LOST, PrintPlayers, RestFaults, SimServer, type PrintFate, type PrintFilter, type SimulatorControl, type SimulatorStats } from '../../common/simulator/core';
import { isSwap, LIMITS } from '../constants';
import { listTimeOfEpoch } from '../listing';
import { channelOfPath, OkxSimConnection } from './connection';
import { pushText, recordingFromFrames, type OkxSimPrint, type Recording } from './recording';
import { handleOkxRest, RequestWindow, type CodeFault, type OkxSimInstrument } from './rest-handler';

export interface OkxSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of `trades-all` (or `trades`) pushes, any instruments. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed without prints (OKX's spelling). */
  readonly extraSymbols?: readonly string[];
  /** Contract values of swaps (base per contract); default BTC 0.01, ETH 0.1, others 1. */
  readonly ctVals?: Readonly<Record<string, string>>;
  readonly idleCutMs?: number;
  readonly historyRequestsPerWindow?: number;
  readonly historyWindowMs?: number;
}

const CT_VALS: Readonly<Record<string, string>> = { BTC: '0.01', ETH: '0.1' };

/**
 * A local OKX v5: the public websocket (`/ws/v5/business` for `trades-all`, `/ws/v5/public` for
 * `trades`; subscribe acks, 60012/60018 refusals, text ping/pong, the 30 s idle cut) and the
 * market REST the adapter calls (instruments with listTime and ctVal, trades, history-trades by
 * id or time, candles and history-candles on UTC+8; codes inside HTTP 200, 429 past 20 history
 * requests per 2 s), playing recorded pushes, with every fault of SimulatorControl. A relisting in
 * the recording (tradeIds restarting) is a new listing in a later epoch: from its first fill on,
 * REST lists it and serves only its fills. Events: connection, close, subscribe, ping, rest.
 */
export class OkxSimulator extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  private readonly connections = new Set<OkxSimConnection>();
  private readonly recording: Recording;
  private readonly players: PrintPlayers<OkxSimPrint>;
  private readonly restFaults = new RestFaults();
  private readonly codeFaults: (CodeFault & { remaining: number })[] = [];
  private readonly server: SimServer;
  private nextConnectionId = 1;

  private constructor(private readonly options: OkxSimulatorOptions) {
    super();
    this.recording = recordingFromFrames(options.frames);
    this.players = new PrintPlayers(this.recording.timelines, options.pace ?? 'asap', (p, fate) => this.deliver(p, fate), (run) => this.server.corked(run),
      () => !this.server.congested());
    const history = new RequestWindow(options.historyRequestsPerWindow ?? LIMITS.historyRequestsPerWindow, options.historyWindowMs ?? LIMITS.historyWindowMs);
    this.server = new SimServer({
      rest: (req, res) => handleOkxRest(req, res, {
        instruments: () => this.instruments(),
        prints: (instId) => this.restPrints(instId),
        takeFault: () => this.restFaults.take(),
        takeCodeFault: () => this.takeCodeFault(),
        history,
        onRequest: (path, query, status, code) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, query, status, code });
        },
      }),
      upgrade: (req, accept) => {
        const channel = channelOfPath(req.url ?? '/');
        if (!channel) return false;
        accept((ws) => {
          const id = this.nextConnectionId++;
          this.stats.connectionsOpened++;
          const conn = new OkxSimConnection(id, channel, ws, options.idleCutMs ?? LIMITS.idleCutMs, {
            listed: (instId) => this.instruments().some((i) => i.instId === instId),
            onSubscribed: (c, instIds) => {
              this.emit('subscribe', { id: c.id, channel: c.channel, instIds });
              for (const s of instIds) this.players.start(s);
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
          this.emit('connection', { id, url: req.url ?? '', channel });
        });
        return true;
      },
    });
  }

  static async start(options: OkxSimulatorOptions): Promise<OkxSimulator> {
    const sim = new OkxSimulator(options);
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

  skipNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, LOST, filter);
  }

  garbleNext(n: number, filter: PrintFilter = {}): void {
    this.players.next(n, GARBLED, filter);
  }

  failRest(status: number, options: { retryAfterS?: number; times?: number; delayMs?: number } = {}): void {
    this.restFaults.push(status, options);
  }

  /** The next `times` REST requests answer HTTP 200 with this code (OKX's way of failing). */
  failCode(code: string, msg: string, options: { times?: number } = {}): void {
    this.codeFaults.push({ code, msg, remaining: options.times ?? 1 });
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

  timeline(symbol: string): readonly OkxSimPrint[] {
    return this.players.timeline(symbol);
  }

  printed(symbol: string): readonly OkxSimPrint[] {
    return this.players.printed(symbol);
  }

  /** Subscribed instruments per open connection, with its channel. */
  subscriptions(): { channel: string; instIds: string[] }[] {
    return [...this.connections].map((c) => ({ channel: c.channel, instIds: [...c.instIds].sort() }));
  }

  /** The listing REST shows now: the recording's (epochs, ADR 0017) and the extra symbols. */
  instruments(): OkxSimInstrument[] {
    const out: OkxSimInstrument[] = [];
    for (const [instId, listings] of this.recording.listings) {
      const epoch = this.currentEpoch(instId) ?? listings[0]!.epoch;
      out.push({ instId, listTimeMs: listTimeOfEpoch(epoch), ...this.ctValOf(instId) });
    }
    for (const instId of this.options.extraSymbols ?? []) {
      if (!this.recording.listings.has(instId)) out.push({ instId, listTimeMs: listTimeOfEpoch(1), ...this.ctValOf(instId) });
    }
    return out;
  }

  // ---- internals ----

  private ctValOf(instId: string): { ctVal?: string } {
    if (!isSwap(instId)) return {};
    return { ctVal: this.options.ctVals?.[instId] ?? CT_VALS[instId.split('-')[0]!] ?? '1' };
  }

  /** The epoch of the newest listing REST may show (printed so far, or all). */
  private currentEpoch(instId: string): number | undefined {
    if (!this.players.has(instId)) return undefined;
    const prints = this.options.restHistory === 'all' ? this.players.timeline(instId) : this.players.printed(instId);
    return prints[prints.length - 1]?.epoch;
  }

  private restPrints(instId: string): readonly OkxSimPrint[] {
    if (!this.players.has(instId)) return [];
    const prints = this.options.restHistory === 'all' ? this.players.timeline(instId) : this.players.printed(instId);
    const epoch = prints[prints.length - 1]?.epoch;
    return prints.filter((p) => p.epoch === epoch);
  }

  private takeCodeFault(): CodeFault | null {
    const f = this.codeFaults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.codeFaults.shift();
    return f;
  }

  /** Each fill is its own `trades-all` push, as OKX sends them. */
  private deliver(p: OkxSimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    let sent = false;
    for (const c of this.connections) {
      if (c.deliver(p.symbol, fate.kind === 'garbled' ? CUT_SHORT_FRAME : pushText(p, c.channel))) {
        this.stats.framesSent++;
        sent = true;
      }
    }
    return sent;
  }
}
