import { EventEmitter } from 'node:events';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import { CUT_SHORT_FRAME, GARBLED, LOST, PrintPlayers, RestFaults, SimServer, type PrintFate, type PrintFilter, type SimulatorControl, type SimulatorStats } from '../../common/simulator/core';
import { exgateSymbol, LIMITS, type Category } from '../constants';
import { BybitSimConnection, categoryOfPath, type SimConnectionLimits } from './connection';
import { pushText, recordingFromFrames, type BybitSimPrint, type RecordedFrame, type Recording } from './recording';
import { handleBybitRest, RequestWindow, type RetCodeFault } from './rest-handler';

export interface BybitSimulatorOptions extends Partial<SimConnectionLimits> {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of `publicTrade` pushes, both markets, any symbols. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed in instruments-info without prints, Bybit's spelling. */
  readonly extraSymbols?: Readonly<Partial<Record<Category, readonly string[]>>>;
  readonly requestsPerWindow?: number;
  readonly requestWindowMs?: number;
  readonly banMs?: number;
  readonly instrumentsPageSize?: number;
}

/**
 * A local Bybit v5: the public websocket (`/v5/public/linear`, `/v5/public/spot`; subscribe,
 * unsubscribe, ping, the idle cut) and the market REST the adapter calls (recent-trade, kline,
 * instruments-info; retCode errors inside HTTP 200, the per-IP limit's 403), playing recorded
 * pushes verbatim (a push whose fills were partly skipped is re-encoded), with every fault of
 * SimulatorControl. Events: connection, close, subscribe, ping, rest.
 */
export class BybitSimulator extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  private readonly connections = new Set<BybitSimConnection>();
  private readonly recording: Recording;
  private readonly players: PrintPlayers<BybitSimPrint>;
  private readonly restFaults = new RestFaults();
  private readonly retCodeFaults: (RetCodeFault & { remaining: number })[] = [];
  private readonly server: SimServer;
  /** Fills of a push waiting for the rest of it (per exgate symbol); `garbled`: it goes out cut short. */
  private readonly pending = new Map<string, { readonly prints: BybitSimPrint[]; garbled: boolean }>();
  private flushScheduled = false;
  /** Symbols listed per category (Bybit's spelling): the recording's and the extra ones. */
  private readonly listing = new Map<Category, readonly string[]>();
  private nextConnectionId = 1;

  private constructor(private readonly options: BybitSimulatorOptions) {
    super();
    this.recording = recordingFromFrames(options.frames);
    this.players = new PrintPlayers(this.recording.timelines, options.pace ?? 'asap', (p, fate) => this.deliver(p, fate), (run) => this.server.corked(run),
      () => !this.server.congested());
    const limits: SimConnectionLimits = { idleCutMs: options.idleCutMs ?? LIMITS.idleCutMs, pongStyle: options.pongStyle ?? 'ret_msg' };
    const window = new RequestWindow(options.requestsPerWindow ?? LIMITS.requestsPerWindow, options.requestWindowMs ?? LIMITS.requestWindowMs, options.banMs ?? LIMITS.banMs);
    this.server = new SimServer({
      rest: (req, res) => handleBybitRest(req, res, {
        listed: (category) => this.listed(category),
        prints: (category, wire) => this.restPrints(exgateSymbol(category, wire)),
        takeFault: () => this.restFaults.take(),
        takeRetCodeFault: () => this.takeRetCodeFault(),
        window,
        instrumentsPageSize: options.instrumentsPageSize ?? 500,
        onRequest: (path, query, status, retCode) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, query, status, retCode });
        },
      }),
      upgrade: (req, accept) => {
        const category = categoryOfPath(req.url ?? '/');
        if (!category) return false;
        accept((ws) => {
          const id = this.nextConnectionId++;
          this.stats.connectionsOpened++;
          const conn = new BybitSimConnection(id, category, ws, limits, {
            listed: (c, wire) => this.listed(c).includes(wire),
            onSubscribed: (c, wires) => {
              this.emit('subscribe', { id: c.id, category: c.category, wires });
              for (const w of wires) this.players.start(exgateSymbol(c.category, w));
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
          this.emit('connection', { id, url: req.url ?? '', category });
        });
        return true;
      },
    });
  }

  static async start(options: BybitSimulatorOptions): Promise<BybitSimulator> {
    const sim = new BybitSimulator(options);
    await sim.server.listen(options.host, options.port);
    return sim;
  }

  get wsBaseUrl(): string {
    return this.server.wsBaseUrl;
  }

  get restBaseUrl(): string {
    return this.server.restBaseUrl;
  }

  /** exgate's spelling: `BTCUSDT` (linear), `BTCUSDT-SPOT` (spot). */
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

  /** The next `times` REST requests answer HTTP 200 with this retCode (Bybit's way of failing). */
  failRetCode(retCode: number, retMsg: string, options: { times?: number; resetInMs?: number } = {}): void {
    this.retCodeFaults.push({ retCode, retMsg, resetInMs: options.resetInMs, remaining: options.times ?? 1 });
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

  /** Every fill of the symbol's recording, in play order (`sourceId` is Bybit's id). */
  timeline(symbol: string): readonly BybitSimPrint[] {
    return this.players.timeline(symbol);
  }

  /** The fills printed so far. */
  printed(symbol: string): readonly BybitSimPrint[] {
    return this.players.printed(symbol);
  }

  /** Subscribed symbols (Bybit's spelling) per open connection, with its category. */
  subscriptions(): { category: Category; wires: string[] }[] {
    return [...this.connections].map((c) => ({ category: c.category, wires: [...c.wires].sort() }));
  }

  // ---- internals ----

  private listed(category: Category): readonly string[] {
    let list = this.listing.get(category);
    if (!list) {
      const recorded = this.recording.frames.filter((f) => f.category === category).map((f) => f.wire);
      list = [...new Set([...recorded, ...(this.options.extraSymbols?.[category] ?? [])])];
      this.listing.set(category, list);
    }
    return list;
  }

  private restPrints(symbol: string): readonly BybitSimPrint[] {
    if (!this.players.has(symbol)) return [];
    return this.options.restHistory === 'all' ? this.players.timeline(symbol) : this.players.printed(symbol);
  }

  private takeRetCodeFault(): RetCodeFault | null {
    const f = this.retCodeFaults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.retCodeFaults.shift();
    return f;
  }

  /**
   * Fills leave as their push: held until the push's last fill (or, when a fault lost that one,
   * until the next turn of the event loop), then sent once to every connection that wants it. One
   * fill garbled spoils the push that carries it, and so its neighbours. What was sent is recorded
   * when the push goes out: nothing to answer now.
   */
  private deliver(p: BybitSimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    const held = this.pending.get(p.symbol);
    if (held && held.prints[0]!.frame !== p.frame) this.flush(p.symbol);
    const push = this.pending.get(p.symbol) ?? { prints: [], garbled: false };
    push.prints.push(p);
    if (fate.kind === 'garbled') push.garbled = true;
    this.pending.set(p.symbol, push);
    if (p.lastOfFrame) this.flush(p.symbol);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        for (const symbol of [...this.pending.keys()]) this.flush(symbol);
      });
    }
    return false;
  }

  private flush(symbol: string): void {
    const push = this.pending.get(symbol);
    this.pending.delete(symbol);
    const first = push?.prints[0];
    if (!first) return;
    const frame: RecordedFrame = this.recording.frames[first.frame]!;
    const text = push.garbled ? CUT_SHORT_FRAME : pushText(frame, push.prints);
    let sent = false;
    for (const c of this.connections) {
      if (!c.deliver(first.wire, text)) continue;
      this.stats.framesSent++;
      sent = true;
    }
    if (sent && !push.garbled) for (const p of push.prints) this.players.recordSent(p);
  }
}
