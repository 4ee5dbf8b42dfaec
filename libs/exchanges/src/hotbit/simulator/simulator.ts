import { EventEmitter } from 'node:events';
import type { CandlePolicy, TradeKind } from '@exgate/domain';
import { GARBLED, LOST, PrintPlayers, RestFaults, SimServer, type PrintFilter, type SimulatorControl, type SimulatorStats } from '../../common/simulator/core';
import type { Pace } from '../../types';
import { HOTBIT_CANDLES, LIMITS } from '../constants';
import type { HotbitMarket } from '../schemas';
import { SimConnection } from './connection';
import { DealsGateway } from './gateway';
import { ViabtcKlines } from './klines';
import { readRecording, type SimDeal } from './recording';
import { handleRest } from './rest-handler';

export interface HotbitSimulatorOptions {
  /** JSON lines of HotBit websocket frames; their `deals.update` pushes are the deals played. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  /** REST history: deals printed so far (default, like a live exchange) or the whole recording. */
  readonly restHistory?: 'printed' | 'all';
  readonly host?: string;
  readonly port?: number;
  /** ViaBTC's `deals_interval` (default 500 ms), on the recording's clock. */
  readonly dealsIntervalMs?: number;
  /**
   * Deals one poll pushes at most (ViaBTC: 100). Default: 100, or the largest push of the
   * recording when that is larger, so a recording plays whole; set 100 to see HotBit lose the
   * older deals of a busy half second.
   */
  readonly dealsPerPush?: number;
  readonly keepAliveMs?: number;
  /** Listed by market.list beside the recorded markets (names split by known quote assets otherwise). */
  readonly markets?: readonly HotbitMarket[];
  /** How `market.kline` opens a bucket (default: exgate's HotBit policy). */
  readonly candlePolicy?: CandlePolicy;
}

/** Quote assets HotBit listed markets against, longest first: `BTCUSDT` → BTC/USDT. */
const QUOTES = ['USDT', 'USDC', 'TUSD', 'BTC', 'ETH', 'BCC', 'BCH', 'USD', 'HTB'];

/**
 * A local HotBit. HotBit stopped trading in 2023; this is the exchange exgate's adapter runs
 * against. Websocket at `/v2/` (ViaBTC's protocol: `server.ping`, `deals.subscribe` that replaces
 * the list, `deals.unsubscribe`, `deals.update` pushes polled every 0.5 s, gzip binary frames),
 * REST at `/v2/p1/` (market.list, market.deals, market.kline, server.time). Events: connection,
 * close, subscribe, unsubscribe, latest (a subscriber got a market's latest deals), ping, rest.
 */
export class HotbitSimulator extends EventEmitter implements SimulatorControl {
  readonly stats: SimulatorStats = { connectionsOpened: 0, framesSent: 0, pongsReceived: 0, restRequests: 0, restStatuses: {} };
  private readonly connections = new Set<SimConnection>();
  private readonly players: PrintPlayers<SimDeal>;
  private readonly gateway: DealsGateway;
  private readonly restFaults = new RestFaults();
  private readonly server: SimServer;
  private readonly listing: readonly HotbitMarket[];
  private readonly klineCache = new Map<string, { count: number; klines: ViabtcKlines }>();
  private readonly ticker: NodeJS.Timeout;
  private nextConnectionId = 1;

  private constructor(private readonly o: HotbitSimulatorOptions) {
    super();
    const recording = readRecording(o.frames);
    this.gateway = new DealsGateway({
      dealsIntervalMs: o.dealsIntervalMs ?? LIMITS.dealsIntervalMs,
      dealsPerPush: o.dealsPerPush ?? Math.max(LIMITS.dealsPerPush, recording.largestPush),
    }, {
      onPush: (delivered) => {
        this.stats.framesSent += delivered;
      },
      onLatest: (c, market, count) => {
        this.stats.framesSent++;
        this.emit('latest', { id: c.id, market, count });
      },
    });
    this.players = new PrintPlayers(recording.deals, o.pace ?? 'asap', (d, fate) => {
      // A lost deal never reaches the gateway: no push, no cache, no REST of the gateway's has it.
      if (fate.kind !== 'lost') this.gateway.printed(d, fate.kind === 'garbled');
      // The gateway keeps what it sent (sentIds): nothing for the players to record.
      return false;
    });
    const named = new Map((o.markets ?? []).map((m) => [m.name, m]));
    for (const name of recording.deals.keys()) if (!named.has(name)) named.set(name, listed(name));
    this.listing = [...named.values()];
    const pace = o.pace ?? 'asap';
    const tickMs = pace === 'asap' ? 10 : Math.max(10, (o.dealsIntervalMs ?? LIMITS.dealsIntervalMs) / pace.speed);
    this.ticker = setInterval(() => this.gateway.tick(), tickMs);
    this.server = new SimServer({
      rest: (req, res) => handleRest(req, res, {
        markets: () => this.listing,
        deals: (market) => this.restDeals(market),
        klines: (market) => this.klines(market),
        takeFault: () => this.restFaults.take(),
        onRequest: (path, status) => {
          this.stats.restRequests++;
          this.stats.restStatuses[status] = (this.stats.restStatuses[status] ?? 0) + 1;
          this.emit('rest', { path, status });
        },
      }),
      upgrade: (req, accept) => {
        if (!/^\/v2\/?$/.test(new URL(req.url ?? '/', 'ws://simulator').pathname)) return false;
        accept((ws) => this.accept(ws));
        return true;
      },
    });
  }

  static async start(options: HotbitSimulatorOptions): Promise<HotbitSimulator> {
    const sim = new HotbitSimulator(options);
    await sim.server.listen(options.host, options.port);
    return sim;
  }

  /** `ws://host:port/v2/`, as `wss://ws.hotbit.io/v2/`. */
  get wsBaseUrl(): string {
    return `${this.server.wsBaseUrl}/v2/`;
  }

  /** `http://host:port/v2`, as `https://api.hotbit.io/v2`. */
  get restBaseUrl(): string {
    return `${this.server.restBaseUrl}/v2`;
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

  /** Markets per open connection, as the last deals.subscribe left them. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.markets].sort());
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.players.stop();
    for (const c of this.connections) c.terminate();
    await this.server.close();
  }

  // ---- faults ----

  dropConnections(): void {
    for (const c of this.connections) c.terminate();
  }

  /** `text` gzip-compressed, as HotBit sends every frame. */
  sendRaw(text: string): void {
    for (const c of this.connections) c.send(text);
  }

  /** Bytes as they are: a binary frame that is not gzip, say. */
  sendRawBytes(data: Buffer): void {
    for (const c of this.connections) c.sendBytes(data);
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
    return kind === 'trade' ? this.gateway.sentIds(symbol) : [];
  }

  /** Every deal of the recording, oldest first. */
  timeline(symbol: string): readonly SimDeal[] {
    return this.players.timeline(symbol);
  }

  // ---- internals ----

  private accept(ws: import('ws').WebSocket): void {
    const id = this.nextConnectionId++;
    this.stats.connectionsOpened++;
    const conn = new SimConnection(id, ws, this.o.keepAliveMs ?? LIMITS.keepAliveMs, {
      onSubscribed: (c, markets, complete) => {
        this.gateway.subscribe(c, markets, complete);
        for (const m of markets) this.players.start(m);
        this.emit('subscribe', { id: c.id, markets });
      },
      onUnsubscribed: (c) => {
        this.gateway.unsubscribe(c);
        this.emit('unsubscribe', { id: c.id });
      },
      onPing: (c) => {
        this.stats.pongsReceived++;
        this.emit('ping', { id: c.id });
      },
      onClosed: (c) => {
        this.gateway.unsubscribe(c);
        this.connections.delete(c);
        this.emit('close', { id: c.id });
      },
    });
    this.connections.add(conn);
    this.emit('connection', { id });
  }

  private restDeals(market: string): readonly SimDeal[] {
    if (!this.players.has(market)) return [];
    return this.o.restHistory === 'all' ? this.players.timeline(market) : this.players.printed(market);
  }

  private klines(market: string): ViabtcKlines {
    const deals = this.restDeals(market);
    const cached = this.klineCache.get(market);
    if (cached && cached.count === deals.length) return cached.klines;
    const klines = new ViabtcKlines(market, this.o.candlePolicy ?? HOTBIT_CANDLES);
    for (const d of deals) klines.add(d);
    this.klineCache.set(market, { count: deals.length, klines });
    return klines;
  }
}

function listed(name: string): HotbitMarket {
  const quote = QUOTES.find((q) => name.endsWith(q) && name.length > q.length);
  return { name, stock: quote ? name.slice(0, -quote.length) : name, money: quote ?? '', fee_prec: 4, stock_prec: 8, money_prec: 8, min_amount: '0.0001' };
}
