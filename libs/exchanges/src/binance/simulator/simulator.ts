import { EventEmitter } from 'node:events';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import { GARBLED, LOST, PrintPlayers, RestFaults, SimServer, type PrintFate, type PrintFilter, type SimulatorControl, type SimulatorStats } from '../../common/simulator/core';
import { streamName, type BinanceMarket } from '../market';
import { parseConnectionPath, SimConnection, type ConnectionLimits } from './connection';
import { klinesFromCsv, klinesFromPrints, type KlineRow } from './klines';
import { buildTimeline, type SimPrint, type SymbolRecording } from './recording';
import { handleRest, WeightWindow } from './rest-handler';

export type { SimulatorStats } from '../../common/simulator/core';

export interface SimulatorOptions extends Partial<Omit<ConnectionLimits, 'routed'>> {
  readonly port?: number;
  readonly host?: string;
  /** Per upper-case symbol: recorded frames (JSON lines) and optionally Binance's 1m klines. */
  readonly recordings: Readonly<Record<string, SymbolRecording>>;
  readonly pace?: Pace;
  /** REST history: what has been printed so far (default, like a live exchange) or the whole recording. */
  readonly restHistory?: 'printed' | 'all';
  /** First id of synthesised aggTrades. */
  readonly firstAggTradeId?: number;
  /** Listed in exchangeInfo without any prints. */
  readonly extraSymbols?: readonly string[];
  readonly weightLimit?: number;
  readonly weightWindowMs?: number;
}

/**
 * A local Binance (USDⓈ-M or spot, per `market`): the real websocket protocol (futures' routed
 * `/market` and `/public` paths, combined and raw streams, SUBSCRIBE/UNSUBSCRIBE/
 * LIST_SUBSCRIPTIONS, server pings) and REST (exchangeInfo, klines, aggTrades, trades,
 * historicalTrades, weights, 429/418), playing recorded real frames, with faults to inject.
 * Events: connection, close, subscribe, unsubscribe, pong, rest.
 */
export class BinanceSimulator extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  private readonly connections = new Set<SimConnection>();
  private readonly players: PrintPlayers<SimPrint>;
  private readonly klineCache = new Map<string, readonly KlineRow[]>();
  private readonly restFaults = new RestFaults();
  private readonly weight: WeightWindow;
  private readonly limits: ConnectionLimits;
  private readonly server: SimServer;
  private nextConnectionId = 1;

  private constructor(readonly market: BinanceMarket, private readonly options: SimulatorOptions) {
    super();
    this.limits = {
      routed: market.routeOfKind !== null,
      pingIntervalMs: options.pingIntervalMs ?? market.limits.serverPingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs ?? 10 * 60 * 1000,
      maxConnectionAgeMs: options.maxConnectionAgeMs ?? market.limits.connectionLifetimeMs,
      maxStreamsPerConnection: options.maxStreamsPerConnection ?? market.limits.maxStreamsPerConnection,
      maxIncomingMessagesPerSecond: options.maxIncomingMessagesPerSecond ?? market.limits.maxIncomingMessagesPerSecond,
    };
    this.weight = new WeightWindow(options.weightLimit ?? market.limits.requestWeightPerMinute, options.weightWindowMs ?? 60_000);
    const timelines = new Map(Object.entries(options.recordings).map(([symbol, rec]) => [symbol, buildTimeline(symbol, rec, options.firstAggTradeId ?? 1_000_000)]));
    this.players = new PrintPlayers(timelines, options.pace ?? 'asap', (p, fate) => this.deliver(p, fate), (run) => this.server.corked(run),
      () => !this.server.congested());
    this.server = new SimServer({
      rest: (req, res) => handleRest(req, res, {
        market,
        symbols: () => [...this.players.symbols, ...(options.extraSymbols ?? [])],
        prints: (symbol, kind) => this.restPrints(symbol, kind),
        klines1m: (symbol) => this.klines1m(symbol),
        takeFault: () => this.restFaults.take(),
        weight: this.weight,
        onRequest: (path, status) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, status });
        },
      }),
      upgrade: (req, accept) => {
        const path = parseConnectionPath(req.url ?? '/');
        if (!path) return false;
        accept((ws) => {
          const id = this.nextConnectionId++;
          this.stats.connectionsOpened++;
          const conn = new SimConnection(id, ws, path, this.limits, {
            onSubscribed: (c, streams) => this.onSubscribed(c, streams),
            onUnsubscribed: (c, streams) => this.emit('unsubscribe', { id: c.id, streams }),
            onPong: (c) => {
              this.stats.pongsReceived++;
              this.emit('pong', { id: c.id });
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

  static async start(market: BinanceMarket, options: SimulatorOptions): Promise<BinanceSimulator> {
    const sim = new BinanceSimulator(market, options);
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

  /** Prints the recording holds (aggTrades synthesised from its trades not counted). */
  get printCount(): number {
    return Object.values(this.options.recordings).reduce((n, r) => n + (r.trade?.length ?? 0) + (r.aggTrade?.length ?? 0), 0);
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

  sentIds(symbol: string, kind: TradeKind): number[] {
    return this.players.sentIds(symbol, kind);
  }

  printedIds(symbol: string, kind: TradeKind): number[] {
    return this.players.printedIds(symbol, kind);
  }

  /** Every print of the recording (synthesised aggTrades included), in play order. */
  timeline(symbol: string): readonly SimPrint[] {
    return this.players.timeline(symbol);
  }

  /** Streams per open connection. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.streams].sort());
  }

  get openConnections(): number {
    return this.connections.size;
  }

  // ---- internals ----

  private onSubscribed(c: SimConnection, streams: readonly string[]): void {
    this.emit('subscribe', { id: c.id, streams });
    for (const s of streams) this.players.start(s.split('@')[0]!.toUpperCase());
  }

  private deliver(print: SimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    const stream = streamName(print.symbol, print.kind);
    let delivered = false;
    for (const c of this.connections) {
      if (!c.deliver(print, stream, fate.kind === 'garbled')) continue;
      delivered = true;
      this.stats.framesSent++;
    }
    return delivered;
  }

  private restPrints(symbol: string, kind: TradeKind): readonly SimPrint[] {
    const scope = this.options.restHistory === 'all' ? this.players.timeline(symbol) : this.players.printed(symbol);
    return scope.filter((x) => x.kind === kind);
  }

  private klines1m(symbol: string): readonly KlineRow[] {
    let rows = this.klineCache.get(symbol);
    if (!rows) {
      const csv = this.options.recordings[symbol]?.klines1m;
      const timeline = this.players.timeline(symbol);
      rows = csv ? klinesFromCsv(csv) : klinesFromPrints(timeline.filter((p) => p.kind === 'trade'));
      if (rows.length === 0) rows = klinesFromPrints(timeline.filter((p) => p.kind === 'aggTrade'));
      this.klineCache.set(symbol, rows);
    }
    return rows;
  }
}
