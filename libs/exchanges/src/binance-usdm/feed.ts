import type { Trade, TradeKind } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import { rejection } from '../common/frame';
import type { FeedEvents, FeedOptions, TradeFeed } from '../types';
import { DEFAULT_WS_BASE_URL, EXCHANGE_ID, LIMITS, SYMBOL_PATTERN } from './constants';
import { parseFrame } from './mapper';
import { StreamConnection } from './stream-connection';

export interface BinanceFeedOptions extends FeedOptions {
  readonly kind: TradeKind;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly wsBaseUrl?: string;
  /** Binance allows 200 streams per connection; more symbols open more connections. */
  readonly maxStreamsPerConnection?: number;
  readonly rotationOverlapMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Frames of a symbol still in flight after its UNSUBSCRIBE are dropped quietly for this long. */
const LEAVING_GRACE_MS = 30_000;

/**
 * Binance USDⓈ-M trade feed over the routed `/market` (aggTrade) or `/public` (trade) combined
 * streams. Symbols are spread over connections of ≤200 streams. Prints are deduplicated by id per
 * symbol (rotation overlaps two connections); what a reconnect missed shows as an id gap, which the
 * collector backfills over REST.
 */
export class BinanceUsdmFeed implements TradeFeed {
  private readonly wanted = new Set<string>();
  private readonly connections: StreamConnection[] = [];
  private readonly lastIds = new Map<string, number>();
  private readonly leaving = new Map<string, number>();
  private running = false;

  constructor(private readonly o: BinanceFeedOptions) {}

  get symbols(): ReadonlySet<string> {
    return this.wanted;
  }

  get kind(): TradeKind {
    return this.o.kind;
  }

  start(): void {
    this.running = true;
    for (const c of this.connections) c.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const c of this.connections) c.stop();
  }

  async subscribe(symbols: readonly string[]): Promise<void> {
    const fresh = [...new Set(symbols)].filter((s) => !this.wanted.has(s));
    for (const s of fresh) {
      if (!SYMBOL_PATTERN.test(s)) throw new ExgateError('INVALID_ARGUMENT', `"${s.slice(0, 40)}" is not a Binance symbol`);
    }
    const byConnection = new Map<StreamConnection, string[]>();
    for (const s of fresh) {
      this.wanted.add(s);
      this.leaving.delete(s);
      const c = this.connectionWithRoom(byConnection);
      byConnection.set(c, [...(byConnection.get(c) ?? []), s]);
    }
    await Promise.all([...byConnection].map(([c, list]) => c.update(list, [])));
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    const now = this.o.clock.nowMs();
    const updates: Promise<void>[] = [];
    for (const c of this.connections) {
      const gone = symbols.filter((s) => c.symbols.has(s));
      if (gone.length > 0) updates.push(c.update([], gone));
    }
    for (const s of symbols) {
      if (!this.wanted.delete(s)) continue;
      this.lastIds.delete(s);
      this.leaving.set(s, now + LEAVING_GRACE_MS);
    }
    await Promise.all(updates);
  }

  private connectionWithRoom(planned: ReadonlyMap<StreamConnection, readonly string[]>): StreamConnection {
    const max = this.o.maxStreamsPerConnection ?? LIMITS.maxStreamsPerConnection;
    const roomy = this.connections.find((c) => c.symbols.size + (planned.get(c)?.length ?? 0) < max);
    if (roomy) return roomy;
    const c = new StreamConnection({
      id: `${EXCHANGE_ID}/${this.o.kind}#${this.connections.length + 1}`,
      wsBaseUrl: this.o.wsBaseUrl ?? DEFAULT_WS_BASE_URL,
      kind: this.o.kind,
      minBackoffMs: this.o.minBackoffMs ?? 1000,
      maxBackoffMs: this.o.maxBackoffMs ?? 60_000,
      silenceTimeoutMs: this.o.silenceTimeoutMs ?? 60_000,
      pingIntervalMs: this.o.pingIntervalMs ?? 30_000,
      pongTimeoutMs: this.o.pongTimeoutMs ?? 10_000,
      // Rotate half an hour before Binance's 24 h cut.
      maxConnectionAgeMs: this.o.maxConnectionAgeMs ?? LIMITS.connectionLifetimeMs - 30 * 60 * 1000,
      rotationOverlapMs: this.o.rotationOverlapMs ?? 5000,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 10_000,
      commandTimeoutMs: 10_000,
      maxOutgoingPerSecond: LIMITS.maxIncomingMessagesPerSecond / 2,
      clock: this.o.clock,
      logger: this.o.logger,
      onFrame: (text, at) => this.onFrame(text, at),
      onStatus: (status) => this.o.events.onStatus(status),
    });
    this.connections.push(c);
    if (this.running) c.start();
    return c;
  }

  private onFrame(text: string, receivedAtMs: number): void {
    if (!this.running) return;
    const result = parseFrame(text, receivedAtMs);
    const events: FeedEvents = this.o.events;
    if (result.type === 'rejected') return events.onRejected(result.rejection);
    if (result.type === 'control') {
      if (result.detail.startsWith('error')) this.o.logger.warn({ detail: result.detail }, 'Binance answered a command with an error');
      return;
    }
    const fresh: Trade[] = [];
    for (const t of result.trades) {
      if (!this.wanted.has(t.symbol)) {
        if ((this.leaving.get(t.symbol) ?? 0) < receivedAtMs) {
          events.onRejected(rejection('unknown_symbol', `${t.symbol} is not subscribed on this feed`, text));
        }
        continue;
      }
      if (t.kind !== this.o.kind) {
        events.onRejected(rejection('unknown_stream', `a ${t.kind} frame on a ${this.o.kind} feed`, text));
        continue;
      }
      const last = this.lastIds.get(t.symbol);
      if (last !== undefined && t.id <= last) continue;
      this.lastIds.set(t.symbol, t.id);
      fresh.push(t);
    }
    if (fresh.length > 0) events.onTrades(fresh);
  }
}
