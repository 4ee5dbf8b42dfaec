import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TradeKind } from '@exgate/domain';
import type { Pace } from '../../types';
import type { AcceptSocket, PrintFate } from '../../common/simulator/core';
import { PlayedSimulator } from '../../common/simulator/played';
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
export class BinanceSimulator extends PlayedSimulator<SimPrint, SimConnection> {
  private readonly klineCache = new Map<string, readonly KlineRow[]>();
  private readonly weight: WeightWindow;
  private readonly limits: ConnectionLimits;

  private constructor(readonly market: BinanceMarket, private readonly options: SimulatorOptions) {
    super(new Map(Object.entries(options.recordings).map(([symbol, rec]) => [symbol, buildTimeline(symbol, rec, options.firstAggTradeId ?? 1_000_000)])),
      options.pace ?? 'asap');
    this.limits = {
      routed: market.routeOfKind !== null,
      pingIntervalMs: options.pingIntervalMs ?? market.limits.serverPingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs ?? 10 * 60 * 1000,
      maxConnectionAgeMs: options.maxConnectionAgeMs ?? market.limits.connectionLifetimeMs,
      maxStreamsPerConnection: options.maxStreamsPerConnection ?? market.limits.maxStreamsPerConnection,
      maxIncomingMessagesPerSecond: options.maxIncomingMessagesPerSecond ?? market.limits.maxIncomingMessagesPerSecond,
    };
    this.weight = new WeightWindow(options.weightLimit ?? market.limits.requestWeightPerMinute, options.weightWindowMs ?? 60_000);
  }

  static async start(market: BinanceMarket, options: SimulatorOptions): Promise<BinanceSimulator> {
    const sim = new BinanceSimulator(market, options);
    await sim.listen(options.host, options.port);
    return sim;
  }

  /** Prints the recording holds (aggTrades synthesised from its trades not counted). */
  override get printCount(): number {
    return Object.values(this.options.recordings).reduce((n, r) => n + (r.trade?.length ?? 0) + (r.aggTrade?.length ?? 0), 0);
  }

  /** Streams per open connection. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.streams].sort());
  }

  // ---- internals ----

  protected serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleRest(req, res, {
      market: this.market,
      symbols: () => [...this.players.symbols, ...(this.options.extraSymbols ?? [])],
      prints: (symbol, kind) => this.restPrints(symbol, kind),
      klines1m: (symbol) => this.klines1m(symbol),
      takeFault: () => this.restFaults.take(),
      weight: this.weight,
      onRequest: (path, status) => this.answered(status, { path }),
    });
  }

  protected serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean {
    const path = parseConnectionPath(req.url ?? '/');
    if (!path) return false;
    accept((ws) => {
      this.opened(new SimConnection(this.connectionId(), ws, path, this.limits, {
        onSubscribed: (c, streams) => this.onSubscribed(c, streams),
        onUnsubscribed: (c, streams) => this.emit('unsubscribe', { id: c.id, streams }),
        onPong: (c) => this.pinged(c, 'pong'),
        onClosed: (c) => this.closed(c),
      }), { url: req.url ?? '' });
    });
    return true;
  }

  private onSubscribed(c: SimConnection, streams: readonly string[]): void {
    this.emit('subscribe', { id: c.id, streams });
    for (const s of streams) this.players.start(s.split('@')[0]!.toUpperCase());
  }

  protected deliver(print: SimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    const stream = streamName(print.symbol, print.kind);
    return this.toEach((c) => c.deliver(print, stream, fate.kind === 'garbled'));
  }

  private restPrints(symbol: string, kind: TradeKind): readonly SimPrint[] {
    return this.historyOf(symbol, this.options.restHistory).filter((x) => x.kind === kind);
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
