import type { IntervalId, Kline, Trade } from '@exgate/domain';
import { closeTimeMs } from '@exgate/domain';
import { ExgateError, type ErrorCode } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { z } from 'zod';
import { bucketsOf, pagesOf } from '../common/buckets';
import { isPlainDecimal } from '../common/decimal';
import type { ExchangeRest, KlineQuery } from '../types';
import { RequestBudget } from '../common/budget';
import { checkLimit, fetchText, readBody, retryAfterSecondsMs } from '../common/http';
import {
  categoryOf, DEFAULT_REST_BASE_URL, exgateSymbol, INTERVAL_CODES, LIMITS, SYMBOL_PATTERN, wireSymbol, type Category,
} from './constants';
import { bybitTrade, valuesProblem } from './mapper';
import { envelope, instruments, klines, recentTrades, type Instrument, type RecentTradeRow } from './schemas';

export interface BybitRestOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Bybit's per-IP HTTP limit and its rolling window (600 in 5 s). */
  readonly requestsPerWindow?: number;
  readonly requestWindowMs?: number;
  readonly instrumentsTtlMs?: number;
  /** instruments-info page size (linear has more than 500 symbols; 1000 is the most a page holds). */
  readonly instrumentsPageSize?: number;
}

/** A symbol we do not know may be newly listed: refresh the listing on a miss, at most this often. */
const MISS_REFRESH_MS = 60_000;
/** Without a reset time, a `retCode 10006` waits this long. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

interface Listing {
  readonly byWire: ReadonlyMap<string, Instrument>;
  readonly fetchedAtMs: number;
}

/**
 * Bybit v5 market REST over Node's fetch. Errors come in HTTP 200 bodies (`retCode` ≠ 0) or as
 * 403 "access too frequent" (an IP ban of ≥ 10 minutes); every failure is an ExgateError, and
 * after a ban or a limit no request leaves until it has passed.
 */
export class BybitRest implements ExchangeRest {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly budget: RequestBudget;
  private blocked: { untilMs: number; code: ErrorCode } | null = null;
  private readonly listings = new Map<Category, Listing>();
  private readonly listingsInFlight = new Map<Category, Promise<Listing>>();

  constructor(private readonly o: BybitRestOptions) {
    this.baseUrl = (o.baseUrl ?? DEFAULT_REST_BASE_URL).replace(/\/$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.budget = new RequestBudget(o.requestsPerWindow ?? LIMITS.requestsPerWindow, o.requestWindowMs ?? LIMITS.requestWindowMs, o.clock);
  }

  get requestsInWindow(): number {
    return this.budget.used;
  }

  /**
   * Bybit's klines, ascending. Binance's window rules, which the proxy route promises: from
   * `startTimeMs` on, else the newest up to `endTimeMs` (or now), at most `limit`. Bybit pages
   * hold 1000 rows, newest first; the window is cut into pages of whole buckets, so each page is
   * the same whether Bybit anchors it at its start or its end.
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    checkSymbol(query.symbol);
    const code = INTERVAL_CODES[query.interval];
    if (code === undefined) {
      throw new ExgateError('UNSUPPORTED_INTERVAL', `Bybit has no ${query.interval} klines`, { details: { interval: query.interval } });
    }
    const limit = query.limit ?? 500;
    checkLimit(limit, 1500);
    if (query.startTimeMs !== undefined && query.endTimeMs !== undefined && query.startTimeMs > query.endTimeMs) {
      throw new ExgateError('INVALID_ARGUMENT', 'startTime is after endTime', { details: { ...query } });
    }
    const category = categoryOf(query.symbol);
    const out: Kline[] = [];
    for (const page of pagesOf(bucketsOf(query, limit, this.o.clock.nowMs()), LIMITS.klinesPerCall)) {
      const first = page[0]!;
      const last = page[page.length - 1]!;
      const result = await this.get('/v5/market/kline', {
        category, symbol: wireSymbol(query.symbol), interval: code, start: first, end: last, limit: page.length,
      }, klines);
      const rows = result.list
        .map((r) => toKline(r, query.interval))
        .filter((k) => k.openTimeMs >= first && k.openTimeMs <= last)
        .sort((a, b) => a.openTimeMs - b.openTimeMs);
      out.push(...rows);
    }
    return out;
  }

  /** Bybit serves no trades by id: the capability is `backfill: newest-only`. */
  async tradesFromId(symbol: string, _fromId?: number, _limit?: number): Promise<Trade[]> {
    throw new ExgateError('EXCHANGE_REJECTED',
      `Bybit serves no trades by id (its ids are UUIDs and 19-digit numbers without order): only the newest ${LIMITS.recentTradesPerCall.linear} (spot ${LIMITS.recentTradesPerCall.spot}) through recent-trade`,
      { details: { symbol: symbol.slice(0, 40), backfill: 'newest-only' } });
  }

  /** The newest prints, ascending. Spot keeps only its last 60: a larger `limit` gets those. */
  async recentTrades(symbol: string, limit: number): Promise<Trade[]> {
    checkSymbol(symbol);
    checkLimit(limit, LIMITS.recentTradesPerCall.linear);
    const category = categoryOf(symbol);
    const result = await this.get('/v5/market/recent-trade', {
      category, symbol: wireSymbol(symbol), limit: Math.min(limit, LIMITS.recentTradesPerCall[category]),
    }, recentTrades);
    const receivedAtMs = this.o.clock.nowMs();
    return ascending(result.list).map((r) => toTrade(r, category, receivedAtMs));
  }

  async hasSymbol(symbol: string): Promise<boolean> {
    return (await this.instrument(symbol)) !== undefined;
  }

  /** The instrument's listing (status, coins, tick and lot sizes); undefined when Bybit lists none. */
  async instrument(symbol: string): Promise<Instrument | undefined> {
    if (!SYMBOL_PATTERN.test(symbol)) return undefined;
    const category = categoryOf(symbol);
    const wire = wireSymbol(symbol);
    const now = this.o.clock.nowMs();
    const ttl = this.o.instrumentsTtlMs ?? 60 * 60 * 1000;
    const cached = this.listings.get(category);
    if (cached && now - cached.fetchedAtMs < ttl && (cached.byWire.has(wire) || now - cached.fetchedAtMs < MISS_REFRESH_MS)) {
      return cached.byWire.get(wire);
    }
    let inFlight = this.listingsInFlight.get(category);
    if (!inFlight) {
      inFlight = this.fetchListing(category).finally(() => this.listingsInFlight.delete(category));
      this.listingsInFlight.set(category, inFlight);
    }
    return (await inFlight).byWire.get(wire);
  }

  private async fetchListing(category: Category): Promise<Listing> {
    const byWire = new Map<string, Instrument>();
    let cursor: string | undefined;
    // Spot answers everything at once; linear pages by cursor.
    for (let page = 0; page < 50; page++) {
      const result = await this.get('/v5/market/instruments-info', {
        category, ...(category === 'spot' ? {} : { limit: this.o.instrumentsPageSize ?? 1000 }), ...(cursor ? { cursor } : {}),
      }, instruments);
      for (const i of result.list) if (i.status === 'Trading') byWire.set(i.symbol, i);
      cursor = result.nextPageCursor;
      if (!cursor || result.list.length === 0) break;
    }
    const listing = { byWire, fetchedAtMs: this.o.clock.nowMs() };
    this.listings.set(category, listing);
    return listing;
  }

  private async get<S extends z.ZodType>(path: string, params: Record<string, string | number>, schema: S): Promise<z.infer<S>> {
    this.throwIfBlocked(path);
    await this.budget.reserve();
    const url = `${this.baseUrl}${path}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
    const { res, text } = await fetchText('Bybit', path, url, this.timeoutMs);
    if (!res.ok) throw this.httpFailure(path, res, text);
    const body = readBody('Bybit', path, text, envelope);
    if (body.retCode !== 0) throw this.retCodeFailure(path, res, body.retCode, body.retMsg);
    return readBody('Bybit', path, text, schema, body.result);
  }

  private httpFailure(path: string, res: Response, text: string): ExgateError {
    const details = { path, status: res.status, body: text.slice(0, 200) };
    const message = `Bybit ${path}: HTTP ${res.status}${text ? ` ${text.slice(0, 100)}` : ''}`;
    if (res.status === 403 || res.status === 429) {
      // 403 "access too frequent": the IP is banned for ten minutes at least ("terminate all HTTP sessions").
      const retryAfterMs = res.status === 403 ? LIMITS.banMs : (retryAfterSecondsMs(res.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS);
      const code: ErrorCode = res.status === 403 ? 'EXCHANGE_BANNED' : 'RATE_LIMITED';
      this.block(path, code, retryAfterMs, res.status);
      return new ExgateError(code, message, { details, retryAfterMs });
    }
    return new ExgateError(res.status >= 500 ? 'EXCHANGE_UNAVAILABLE' : 'EXCHANGE_REJECTED', message, { details });
  }

  /** `{"retCode":10001,"retMsg":"Not supported symbols",…}` and friends, inside HTTP 200. */
  private retCodeFailure(path: string, res: Response, retCode: number, retMsg: string): ExgateError {
    const details = { path, retCode, retMsg: retMsg.slice(0, 200) };
    const message = `Bybit ${path}: retCode ${retCode} ${retMsg.slice(0, 100)}`;
    if (retCode === 10006 || retCode === 10018) {
      // "Too many visits!": X-Bapi-Limit-Reset-Timestamp says when the limit resets (ms epoch).
      const resetAt = Number(res.headers.get('x-bapi-limit-reset-timestamp'));
      const retryAfterMs = Number.isFinite(resetAt) && resetAt > 0 ? Math.max(0, resetAt - this.o.clock.nowMs()) : DEFAULT_RETRY_AFTER_MS;
      this.block(path, 'RATE_LIMITED', retryAfterMs, retCode);
      return new ExgateError('RATE_LIMITED', message, { details, retryAfterMs });
    }
    if (retCode === 10001 && /symbol/i.test(retMsg)) return new ExgateError('UNKNOWN_SYMBOL', `Bybit does not list the symbol (${retMsg.slice(0, 100)})`, { details });
    if (retCode === 10000 || retCode === 10016) return new ExgateError('EXCHANGE_UNAVAILABLE', message, { details });
    return new ExgateError('EXCHANGE_REJECTED', message, { details });
  }

  private block(path: string, code: ErrorCode, retryAfterMs: number, status: number): void {
    this.blocked = { untilMs: this.o.clock.nowMs() + retryAfterMs, code };
    this.o.logger.warn({ path, status, retryAfterMs }, 'Bybit REST limit hit: holding all requests until it has passed');
  }

  private throwIfBlocked(path: string): void {
    if (!this.blocked) return;
    const remainingMs = this.blocked.untilMs - this.o.clock.nowMs();
    if (remainingMs <= 0) {
      this.blocked = null;
      return;
    }
    throw new ExgateError(this.blocked.code, `Bybit ${path}: held back for ${remainingMs} ms more`, { details: { path, heldBack: true }, retryAfterMs: remainingMs });
  }
}

/** Bybit's 7 strings → exgate's kline. Bybit publishes no trade count and no taker split: zeros. */
function toKline(r: readonly [string, string, string, string, string, string, string], interval: IntervalId): Kline {
  const [start, open, high, low, close, volume, turnover] = r;
  if (![open, high, low, close, volume, turnover].every(isPlainDecimal)) {
    throw new ExgateError('EXCHANGE_UNAVAILABLE', `Bybit kline ${start}: a value is not a plain decimal`, { details: { row: r.join(',').slice(0, 200) } });
  }
  const openTime = Number(start);
  return {
    openTimeMs: openTime, closeTimeMs: closeTimeMs(interval, openTime), open, high, low, close, volume,
    quoteVolume: turnover, takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0,
  };
}

/** recent-trade lists newest first: reversed, so prints of one millisecond keep Bybit's order. */
function ascending(rows: readonly RecentTradeRow[]): RecentTradeRow[] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return [];
  return Number(first.time) > Number(last.time) || (first.time === last.time && rows.length > 1) ? [...rows].reverse() : [...rows];
}

function toTrade(r: RecentTradeRow, category: Category, receivedAtMs: number): Trade {
  const time = Number(r.time);
  const problem = valuesProblem(r.price, r.size, { time }, receivedAtMs);
  if (problem) throw new ExgateError('MALFORMED_FRAME', `Bybit recent-trade ${r.execId.slice(0, 40)}: ${problem.reason}`, { details: { kind: problem.kind } });
  return bybitTrade({
    symbol: exgateSymbol(category, r.symbol), sourceId: r.execId, price: r.price, size: r.size, takerSide: r.side,
    blockTrade: r.isBlockTrade, rpiTrade: r.isRPITrade ?? false, tradeTimeMs: time, eventTimeMs: time, receivedAtMs,
  });
}

export { bucketsOf } from '../common/buckets';

function checkSymbol(symbol: string): void {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new ExgateError('INVALID_ARGUMENT', `"${symbol.slice(0, 40)}" is not a Bybit symbol (BTCUSDT for the linear contract, BTCUSDT-SPOT for spot)`, {
      details: { symbol: symbol.slice(0, 40) },
    });
  }
}
