import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CandlePolicy, TradeKind } from '@exgate/domain';
import type { AcceptSocket, PrintFate } from '../../common/simulator/core';
import { PlayedSimulator } from '../../common/simulator/played';
import type { Pace } from '../../types';
import { HOTBIT_CANDLES, LIMITS } from '../constants';
import type { HotbitMarket } from '../schemas';
import { SimConnection } from './connection';
import { DealsGateway } from './gateway';
import { ViabtcKlines } from './klines';
import { readRecording, type Recording, type SimDeal } from './recording';
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
export class HotbitSimulator extends PlayedSimulator<SimDeal, SimConnection> {
  private readonly gateway: DealsGateway;
  private readonly listing: readonly HotbitMarket[];
  private readonly klineCache = new Map<string, { count: number; klines: ViabtcKlines }>();
  private readonly ticker: NodeJS.Timeout;

  /** Without the players' flow control: deals go out on the gateway's polls, not as they play. */
  private constructor(private readonly o: HotbitSimulatorOptions, recording: Recording) {
    super(recording.deals, o.pace ?? 'asap', false);
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
    const named = new Map((o.markets ?? []).map((m) => [m.name, m]));
    for (const name of recording.deals.keys()) if (!named.has(name)) named.set(name, listed(name));
    this.listing = [...named.values()];
    const pace = o.pace ?? 'asap';
    const tickMs = pace === 'asap' ? 10 : Math.max(10, (o.dealsIntervalMs ?? LIMITS.dealsIntervalMs) / pace.speed);
    this.ticker = setInterval(() => this.gateway.tick(), tickMs);
  }

  static async start(options: HotbitSimulatorOptions): Promise<HotbitSimulator> {
    const sim = new HotbitSimulator(options, readRecording(options.frames));
    await sim.listen(options.host, options.port);
    return sim;
  }

  /** `ws://host:port/v2/`, as `wss://ws.hotbit.io/v2/`. */
  override get wsBaseUrl(): string {
    return `${this.server.wsBaseUrl}/v2/`;
  }

  /** `http://host:port/v2`, as `https://api.hotbit.io/v2`. */
  override get restBaseUrl(): string {
    return `${this.server.restBaseUrl}/v2`;
  }

  /** Markets per open connection, as the last deals.subscribe left them. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.markets].sort());
  }

  override async close(): Promise<void> {
    clearInterval(this.ticker);
    await super.close();
  }

  /** Bytes as they are: a binary frame that is not gzip, say. */
  sendRawBytes(data: Buffer): void {
    for (const c of this.connections) c.sendBytes(data);
  }

  override sentIds(symbol: string, kind: TradeKind): number[] {
    return kind === 'trade' ? this.gateway.sentIds(symbol) : [];
  }

  // ---- internals ----

  protected serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleRest(req, res, {
      markets: () => this.listing,
      deals: (market) => this.restDeals(market),
      klines: (market) => this.klines(market),
      takeFault: () => this.restFaults.take(),
      onRequest: (path, status) => this.answered(status, { path }),
    });
  }

  protected serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean {
    if (!/^\/v2\/?$/.test(new URL(req.url ?? '/', 'ws://simulator').pathname)) return false;
    accept((ws) => {
      this.opened(new SimConnection(this.connectionId(), ws, this.o.keepAliveMs ?? LIMITS.keepAliveMs, {
        onSubscribed: (c, markets, complete) => {
          this.gateway.subscribe(c, markets, complete);
          for (const m of markets) this.players.start(m);
          this.emit('subscribe', { id: c.id, markets });
        },
        onUnsubscribed: (c) => {
          this.gateway.unsubscribe(c);
          this.emit('unsubscribe', { id: c.id });
        },
        onPing: (c) => this.pinged(c),
        onClosed: (c) => {
          this.gateway.unsubscribe(c);
          this.closed(c);
        },
      }));
    });
    return true;
  }

  /** A lost deal never reaches the gateway: no push, no cache, no REST of the gateway's has it. */
  protected deliver(d: SimDeal, fate: PrintFate): boolean {
    if (fate.kind !== 'lost') this.gateway.printed(d, fate.kind === 'garbled');
    // The gateway keeps what it sent (sentIds): nothing for the players to record.
    return false;
  }

  private restDeals(market: string): readonly SimDeal[] {
    return this.historyOf(market, this.o.restHistory);
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
