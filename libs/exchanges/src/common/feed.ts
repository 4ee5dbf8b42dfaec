import type { Trade, TradeKind } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { FeedEvents, FeedOptions, FrameResult, TradeFeed } from '../types';
import { FeedConnection } from './connection';
import { rejection } from './frame';
import type { FeedProtocol } from './protocol';

export interface ExchangeFeedOptions extends FeedOptions {
  readonly protocol: FeedProtocol;
  readonly kind: TradeKind;
  readonly wsBaseUrl: string;
  /** The exchange's symbol syntax, checked before anything is sent. */
  readonly symbolPattern: RegExp;
  /**
   * How repeated prints are recognised (rotation overlaps two connections): by the ordered `id`
   * (each symbol's ids only grow) or by the exchange's own id (`sourceId`) when ids carry no order,
   * in which case the feed also numbers the prints (see `sequenced`).
   */
  readonly dedupeBy: 'id' | 'sourceId';
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rotationOverlapMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Frames of a symbol still in flight after its unsubscribe are dropped quietly for this long. */
const LEAVING_GRACE_MS = 30_000;
/** Sequence numbers per millisecond of exchange time for prints whose ids carry no order. */
export const SEQUENCE_PER_MS = 1024;
/** The feed's numbering of one print after the symbol's previous id (also for recorded frames read without a feed). */
export function sequenced(t: Trade, previousId: number | undefined): Trade {
  const id = Math.max((previousId ?? 0) + 1, t.exchangeTimeMs * SEQUENCE_PER_MS);
  return { ...t, id, firstTradeId: id, lastTradeId: id };
}
/** Exchange ids remembered per symbol for `sourceId` de-duplication: far more than one overlap holds. */
const REMEMBERED_SOURCE_IDS = 20_000;

/**
 * A trade feed over any exchange's websocket: symbols spread over connections within the
 * exchange's stream limit, every frame parsed once by the exchange's mapper, prints of unknown
 * symbols or the wrong stream rejected and counted, repeats dropped. What a reconnect missed is
 * the collector's business (it knows the exchange's backfill).
 */
export class ExchangeFeed implements TradeFeed {
  private readonly wanted = new Set<string>();
  private readonly connections: FeedConnection[] = [];
  private readonly lastIds = new Map<string, number>();
  private readonly seen = new Map<string, { readonly set: Set<string>; readonly order: string[] }>();
  private readonly leaving = new Map<string, number>();
  private running = false;

  constructor(private readonly o: ExchangeFeedOptions) {}

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
      if (!this.o.symbolPattern.test(s)) {
        throw new ExgateError('INVALID_ARGUMENT', `"${s.slice(0, 40)}" is not a ${this.o.protocol.exchange} symbol`);
      }
    }
    const byConnection = new Map<FeedConnection, string[]>();
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
      this.seen.delete(s);
      this.leaving.set(s, now + LEAVING_GRACE_MS);
    }
    await Promise.all(updates);
  }

  private connectionWithRoom(planned: ReadonlyMap<FeedConnection, readonly string[]>): FeedConnection {
    const { limits, exchange } = this.o.protocol;
    const roomy = this.connections.find((c) => c.symbols.size + (planned.get(c)?.length ?? 0) < limits.maxStreamsPerConnection);
    if (roomy) return roomy;
    const c = new FeedConnection({
      id: `${exchange}/${this.o.kind}#${this.connections.length + 1}`,
      wsBaseUrl: this.o.wsBaseUrl,
      kind: this.o.kind,
      protocol: this.o.protocol,
      minBackoffMs: this.o.minBackoffMs ?? 1000,
      maxBackoffMs: this.o.maxBackoffMs ?? 60_000,
      silenceTimeoutMs: this.o.silenceTimeoutMs ?? 60_000,
      // Each pong proves the connection complete up to then: quiet streams still close candles.
      pingIntervalMs: this.o.pingIntervalMs ?? 5_000,
      pongTimeoutMs: this.o.pongTimeoutMs ?? 10_000,
      rotateAfterMs: this.o.maxConnectionAgeMs ?? limits.rotateAfterMs,
      rotationOverlapMs: this.o.rotationOverlapMs ?? 5000,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 10_000,
      commandTimeoutMs: 10_000,
      clock: this.o.clock,
      logger: this.o.logger,
      onFrame: (result, text, at) => this.onFrame(result, text, at),
      onStatus: (status) => this.o.events.onStatus(status),
    });
    this.connections.push(c);
    if (this.running) c.start();
    return c;
  }

  private onFrame(result: FrameResult, text: string, receivedAtMs: number): void {
    if (!this.running) return;
    const events: FeedEvents = this.o.events;
    if (result.type === 'rejected') return events.onRejected(result.rejection);
    if (result.type !== 'trades') {
      if (result.type === 'control' && result.detail.startsWith('error')) {
        this.o.logger.warn({ detail: result.detail }, `${this.o.protocol.exchange} answered with an error`);
      }
      return;
    }
    // The frame's own array goes on while every print in it does (the rule: one print a frame);
    // a copy is made only from the first print left out or renumbered.
    const { trades } = result;
    let fresh: Trade[] | null = null;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i]!;
      const kept = this.kept(t, text, receivedAtMs) ? (this.o.dedupeBy === 'id' ? t : this.sequenced(t)) : null;
      if (fresh === null && kept !== t) fresh = trades.slice(0, i);
      if (fresh !== null && kept !== null) fresh.push(kept);
    }
    const delivered = fresh ?? trades;
    if (delivered.length > 0) events.onTrades(delivered);
  }

  /** Whether the print goes on: subscribed, of this feed's kind, and not one already passed on. */
  private kept(t: Trade, text: string, receivedAtMs: number): boolean {
    const events: FeedEvents = this.o.events;
    if (!this.wanted.has(t.symbol)) {
      if ((this.leaving.get(t.symbol) ?? 0) < receivedAtMs) {
        events.onRejected(rejection('unknown_symbol', `${t.symbol} is not subscribed on this feed`, text));
      }
      return false;
    }
    if (t.kind !== this.o.kind) {
      events.onRejected(rejection('unknown_stream', `a ${t.kind} frame on a ${this.o.kind} feed`, text));
      return false;
    }
    return !this.isRepeat(t);
  }

  /**
   * Where the exchange's ids carry no order, exgate numbers a symbol's prints as they arrive: a
   * hybrid logical clock, `max(previous + 1, exchange time × 1024)`. Ids only grow, and a restarted
   * collector (a new clock) starts above every id it gave before, unless a symbol once printed
   * more than 1024 trades a millisecond for long enough to run ahead of time.
   */
  private sequenced(t: Trade): Trade {
    const numbered = sequenced(t, this.lastIds.get(t.symbol));
    this.lastIds.set(t.symbol, numbered.id);
    return numbered;
  }

  private isRepeat(t: Trade): boolean {
    if (this.o.dedupeBy === 'id') {
      const last = this.lastIds.get(t.symbol);
      if (last !== undefined && t.id <= last) return true;
      this.lastIds.set(t.symbol, t.id);
      return false;
    }
    const key = t.sourceId ?? String(t.id);
    let seen = this.seen.get(t.symbol);
    if (!seen) this.seen.set(t.symbol, (seen = { set: new Set(), order: [] }));
    if (seen.set.has(key)) return true;
    seen.set.add(key);
    seen.order.push(key);
    if (seen.order.length > REMEMBERED_SOURCE_IDS) {
      for (const old of seen.order.splice(0, seen.order.length >> 1)) seen.set.delete(old);
    }
    return false;
  }
}
