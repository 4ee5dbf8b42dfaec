import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { TradeKind } from '@exgate/domain';
import { LIMITS, streamName } from '../constants';
import { parseConnectionPath, SimConnection, type ConnectionLimits } from './connection';
import { klinesFromCsv, klinesFromPrints, type KlineRow } from './klines';
import { SymbolPlayer, type Pace } from './player';
import { buildTimeline, type SimPrint, type SymbolRecording } from './recording';
import { handleRest, WeightWindow, type RestFault } from './rest-handler';

export interface SimulatorOptions extends Partial<ConnectionLimits> {
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

export interface SimulatorStats {
  connectionsOpened: number;
  /** Frames written to sockets: more than the prints when connections overlap. */
  framesSent: number;
  pongsReceived: number;
  restRequests: number;
  /** REST answers by status code, e.g. { 200: 12, 429: 1 }. */
  restStatuses: Record<number, number>;
}

interface SkipRule {
  remaining: number;
  readonly symbol?: string;
  readonly kind?: TradeKind;
}

/**
 * A local Binance USDⓈ-M: the real websocket protocol (routed `/market` and `/public` paths,
 * combined and raw streams, SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS, server pings) and REST
 * (exchangeInfo, klines, aggTrades, trades, historicalTrades, weights, 429/418), playing recorded
 * real frames, with faults to inject. Events: connection, close, subscribe, unsubscribe, pong, rest.
 */
export class BinanceUsdmSimulator extends EventEmitter {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  private readonly connections = new Set<SimConnection>();
  private readonly players = new Map<string, SymbolPlayer>();
  private readonly sent = new Map<string, number[]>();
  private readonly klineCache = new Map<string, readonly KlineRow[]>();
  private readonly skips: SkipRule[] = [];
  private readonly restFaults: (RestFault & { remaining: number })[] = [];
  private readonly weight: WeightWindow;
  private readonly limits: ConnectionLimits;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly server: Server;
  private nextConnectionId = 1;
  private paused = false;
  wsBaseUrl = '';
  restBaseUrl = '';

  private constructor(private readonly options: SimulatorOptions) {
    super();
    this.limits = {
      pingIntervalMs: options.pingIntervalMs ?? LIMITS.serverPingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs ?? 10 * 60 * 1000,
      maxConnectionAgeMs: options.maxConnectionAgeMs ?? LIMITS.connectionLifetimeMs,
      maxStreamsPerConnection: options.maxStreamsPerConnection ?? LIMITS.maxStreamsPerConnection,
      maxIncomingMessagesPerSecond: options.maxIncomingMessagesPerSecond ?? LIMITS.maxIncomingMessagesPerSecond,
    };
    this.weight = new WeightWindow(options.weightLimit ?? LIMITS.requestWeightPerMinute, options.weightWindowMs ?? 60_000);
    for (const [symbol, rec] of Object.entries(options.recordings)) {
      const timeline = buildTimeline(symbol, rec, options.firstAggTradeId ?? 1_000_000);
      this.players.set(symbol, new SymbolPlayer(timeline, options.pace ?? 'asap', (p) => this.emitPrint(p)));
    }
    this.server = createServer((req, res) => {
      handleRest(req, res, {
        symbols: () => [...this.players.keys(), ...(options.extraSymbols ?? [])],
        prints: (symbol, kind) => this.restPrints(symbol, kind),
        klines1m: (symbol) => this.klines1m(symbol),
        takeFault: () => this.takeRestFault(),
        weight: this.weight,
        onRequest: (path, status) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, status });
        },
      }).catch((e: unknown) => {
        res.writeHead(500).end(JSON.stringify({ code: -1000, msg: String(e) }));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = parseConnectionPath(req.url ?? '/');
      if (!path) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
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
    });
  }

  static async start(options: SimulatorOptions): Promise<BinanceUsdmSimulator> {
    const sim = new BinanceUsdmSimulator(options);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const { address, port } = sim.server.address() as AddressInfo;
    sim.wsBaseUrl = `ws://${address}:${port}`;
    sim.restBaseUrl = `http://${address}:${port}`;
    return sim;
  }

  async close(): Promise<void> {
    for (const p of this.players.values()) p.stop();
    for (const c of this.connections) c.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- faults ----

  /** Cuts every open websocket abruptly (no close frame), as a network failure would. */
  dropConnections(): void {
    for (const c of this.connections) c.terminate();
  }

  /** Writes `text` as it is to every open connection (malformed-frame tests). */
  sendRaw(text: string): void {
    for (const c of this.connections) c.sendRaw(text);
  }

  /** The next `n` prints (of a symbol/kind, or any) are printed by the exchange but sent to nobody. */
  skipNext(n: number, filter: { symbol?: string; kind?: TradeKind } = {}): void {
    this.skips.push({ remaining: n, ...filter });
  }

  /** The next `times` REST requests answer `status` (with Retry-After when given), after `delayMs`. */
  failRest(status: number, options: { retryAfterS?: number; times?: number; delayMs?: number } = {}): void {
    this.restFaults.push({ status, retryAfterS: options.retryAfterS, delayMs: options.delayMs, remaining: options.times ?? 1 });
  }

  /** Connections open now go quiet for `ms`: no frames, no pongs, no pings, commands ignored. */
  silence(ms: number): void {
    const until = Date.now() + ms;
    for (const c of this.connections) c.silenceUntil(until);
  }

  pause(): void {
    this.paused = true;
    for (const p of this.players.values()) p.pause();
  }

  resume(): void {
    this.paused = false;
    for (const p of this.players.values()) p.resume();
  }

  /** Resolves when every recorded print of these symbols (default: all) has been played. */
  async drained(symbols: readonly string[] = [...this.players.keys()]): Promise<void> {
    await Promise.all(symbols.map((s) => this.player(s).drained()));
  }

  // ---- observations ----

  /** Ids delivered to at least one connection, in order. */
  sentIds(symbol: string, kind: TradeKind): number[] {
    return [...(this.sent.get(`${symbol}:${kind}`) ?? [])];
  }

  /** Ids the exchange has printed so far (sent or not). */
  printedIds(symbol: string, kind: TradeKind): number[] {
    const p = this.player(symbol);
    return p.timeline.slice(0, p.cursor).filter((x) => x.kind === kind).map((x) => x.id);
  }

  /** Every print of the recording (synthesised aggTrades included), in play order. */
  timeline(symbol: string): readonly SimPrint[] {
    return this.player(symbol).timeline;
  }

  /** Streams per open connection. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.streams].sort());
  }

  get openConnections(): number {
    return this.connections.size;
  }

  // ---- internals ----

  private player(symbol: string): SymbolPlayer {
    const p = this.players.get(symbol);
    if (!p) throw new Error(`no recording for ${symbol}`);
    return p;
  }

  private onSubscribed(c: SimConnection, streams: readonly string[]): void {
    this.emit('subscribe', { id: c.id, streams });
    for (const s of streams) {
      const player = this.players.get(s.split('@')[0]!.toUpperCase());
      if (!player) continue;
      if (this.paused) player.pause();
      player.start();
    }
  }

  private emitPrint(print: SimPrint): void {
    const skip = this.skips.find((r) => r.remaining > 0 && (r.symbol ?? print.symbol) === print.symbol && (r.kind ?? print.kind) === print.kind);
    if (skip) {
      skip.remaining--;
      return;
    }
    const stream = streamName(print.symbol, print.kind);
    let delivered = false;
    for (const c of this.connections) {
      if (!c.deliver(print, stream)) continue;
      delivered = true;
      this.stats.framesSent++;
    }
    if (!delivered) return;
    const key = `${print.symbol}:${print.kind}`;
    const ids = this.sent.get(key);
    if (ids) ids.push(print.id);
    else this.sent.set(key, [print.id]);
  }

  private restPrints(symbol: string, kind: TradeKind): readonly SimPrint[] {
    const p = this.player(symbol);
    const scope = this.options.restHistory === 'all' ? p.timeline : p.timeline.slice(0, p.cursor);
    return scope.filter((x) => x.kind === kind);
  }

  private klines1m(symbol: string): readonly KlineRow[] {
    let rows = this.klineCache.get(symbol);
    if (!rows) {
      const csv = this.options.recordings[symbol]?.klines1m;
      rows = csv ? klinesFromCsv(csv) : klinesFromPrints(this.player(symbol).timeline.filter((p) => p.kind === 'trade'));
      if (rows.length === 0) rows = klinesFromPrints(this.player(symbol).timeline.filter((p) => p.kind === 'aggTrade'));
      this.klineCache.set(symbol, rows);
    }
    return rows;
  }

  private takeRestFault(): RestFault | null {
    const fault = this.restFaults[0];
    if (!fault) return null;
    if (--fault.remaining <= 0) this.restFaults.shift();
    return fault;
  }
}
