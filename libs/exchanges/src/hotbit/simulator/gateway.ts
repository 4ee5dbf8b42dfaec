import { CUT_SHORT_FRAME } from '../../common/simulator/core';
import type { SimConnection } from './connection';
import { dealsUpdateFrame, type SimDeal } from './recording';

export interface GatewayOptions {
  /** ViaBTC's `deals_interval`: each subscribed market is polled this often (exchange time). */
  readonly dealsIntervalMs: number;
  /** Deals one poll pushes at most; older ones in the same poll never reach the websocket. */
  readonly dealsPerPush: number;
}

export interface GatewayHooks {
  /** A poll's push reached `delivered` connections. */
  onPush(delivered: number): void;
  /** A new subscriber got the market's latest `count` deals (repeats for a client that had them). */
  onLatest(c: SimConnection, market: string, count: number): void;
}

/** A market's first poll (last_id 0) and the cache sent to new subscribers hold this many. */
const LATEST = 100;

interface MarketState {
  readonly sessions: Set<SimConnection>;
  lastId: number;
  /** The newest deals pushed, newest first: what a new subscriber gets at once. */
  cache: SimDeal[];
}

/**
 * ViaBTC's accessws/aw_deals.c: the gateway polls each market that has subscribers for the deals
 * after the last id it pushed — at most `dealsPerPush`, newest first — and pushes them to every
 * subscriber; a new subscriber first gets the cached latest deals. A market nobody subscribes is
 * forgotten at its next poll (its next subscriber starts from the latest 100 again). Polls run on
 * the exchange's clock: when a market's next deal falls in a later window, or when the market has
 * been quiet for a wall-clock tick.
 */
export class DealsGateway {
  private readonly markets = new Map<string, MarketState>();
  /** Deals printed and not lost on the way, oldest first, per market. */
  private readonly wire = new Map<string, SimDeal[]>();
  private readonly windows = new Map<string, number>();
  private readonly touched = new Set<string>();
  private readonly sent = new Map<string, number[]>();
  /** Deals whose push goes out cut short (garbleNext); the gateway itself has them as any other. */
  private readonly garbled = new Set<SimDeal>();

  constructor(private readonly o: GatewayOptions, private readonly hooks: GatewayHooks) {}

  subscribe(c: SimConnection, markets: readonly string[], complete: boolean): void {
    for (const m of markets) {
      let state = this.markets.get(m);
      if (!state) this.markets.set(m, (state = { sessions: new Set(), lastId: 0, cache: [] }));
      state.sessions.add(c);
    }
    if (!complete) return;
    for (const m of markets) {
      const cache = this.markets.get(m)!.cache;
      if (cache.length > 0 && c.send(dealsUpdateFrame(m, cache))) this.hooks.onLatest(c, m, cache.length);
    }
  }

  unsubscribe(c: SimConnection): void {
    for (const state of this.markets.values()) state.sessions.delete(c);
  }

  /** The exchange printed `d` (a lost print never gets here); `garbled`: the push that carries it arrives cut short. */
  printed(d: SimDeal, garbled = false): void {
    if (garbled) this.garbled.add(d);
    const window = Math.floor(d.eventTimeMs / this.o.dealsIntervalMs);
    const previous = this.windows.get(d.symbol);
    if (previous !== undefined && window > previous) this.poll(d.symbol);
    this.windows.set(d.symbol, window);
    const list = this.wire.get(d.symbol);
    if (list) list.push(d);
    else this.wire.set(d.symbol, [d]);
    this.touched.add(d.symbol);
  }

  /** The wall-clock timer: markets that printed nothing since the last tick are polled. */
  tick(): void {
    for (const m of [...this.markets.keys()]) if (!this.touched.has(m)) this.poll(m);
    this.touched.clear();
  }

  sentIds(market: string): number[] {
    return [...(this.sent.get(market) ?? [])];
  }

  private poll(market: string): void {
    const state = this.markets.get(market);
    if (!state) return;
    if (state.sessions.size === 0) {
      this.markets.delete(market);
      return;
    }
    const list = this.wire.get(market) ?? [];
    const limit = state.lastId === 0 ? LATEST : this.o.dealsPerPush;
    const from = Math.max(firstAfter(list, state.lastId), list.length - limit);
    if (from >= list.length) return;
    const newer = list.slice(from).reverse();
    state.lastId = newer[0]!.id;
    state.cache = [...newer, ...state.cache].slice(0, LATEST);
    let garbled = false;
    for (const d of this.garbled) {
      if (d.symbol !== market || d.id > state.lastId) continue;
      // One in this push spoils it; an older one fell off the push's limit and is gone anyway.
      if (d.id >= newer.at(-1)!.id) garbled = true;
      this.garbled.delete(d);
    }
    const text = garbled ? CUT_SHORT_FRAME : dealsUpdateFrame(market, newer);
    let delivered = 0;
    for (const c of state.sessions) if (c.send(text)) delivered++;
    this.hooks.onPush(delivered);
    if (delivered > 0 && !garbled) this.record(market, newer);
  }

  private record(market: string, newestFirst: readonly SimDeal[]): void {
    const ids = this.sent.get(market) ?? [];
    this.sent.set(market, ids);
    const last = ids[ids.length - 1] ?? 0;
    for (let i = newestFirst.length - 1; i >= 0; i--) if (newestFirst[i]!.id > last) ids.push(newestFirst[i]!.id);
  }
}

/** Index of the first deal with an id above `id` (the list is in id order). */
function firstAfter(list: readonly SimDeal[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
