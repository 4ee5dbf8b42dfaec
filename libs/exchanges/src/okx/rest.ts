import type { IntervalId, Kline, Trade } from '@exgate/domain';
import { closeTimeMs, intervalMs, nextOpenTimeMs, openTimeMs } from '@exgate/domain';
import { ExgateError, type ErrorCode } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { z } from 'zod';
import { RequestBudget } from '../common/budget';
import { isPlainDecimal } from '../common/decimal';
import { checkLimit, fetchText, readBody, retryAfterSecondsMs, safeJson, unexpectedBody } from '../common/http';
import type { ExchangeRest, KlineQuery } from '../types';
import { BAR_CODES, DEFAULT_REST_BASE_URL, instTypeOf, isSwap, LIMITS, OKX_CANDLES, SYMBOL_PATTERN } from './constants';
import { epochOf, idOf, splitId, type Listing } from './listing';
import { okxTrade, valuesProblem } from './mapper';
import { candleRows, envelope, instruments, restTrades, type CandleRow, type Instrument, type RestTrade } from './schemas';

export interface OkxRestOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** history-trades and history-candles: 20 requests per 2 s per IP. */
  readonly historyRequestsPerWindow?: number;
  readonly requestWindowMs?: number;
  readonly instrumentsTtlMs?: number;
}

/** A symbol we do not know may be newly listed: refresh the listing on a miss, at most this often. */
const MISS_REFRESH_MS = 60_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;
/** `candles` serves the latest 1,440 bars; older ones come from `history-candles`. */
const RECENT_BARS = 1440;

interface Book {
  readonly byId: ReadonlyMap<string, Instrument>;
  readonly fetchedAtMs: number;
}

/**
 * OKX v5 market REST over Node's fetch. Errors come in HTTP 200 bodies (`code` ≠ "0") or as HTTP
 * 429; every failure is an ExgateError, and after a limit no request leaves until it has passed.
 * Also the instrument book: what a print needs beyond its frame (listing epoch, contract value).
 */
export class OkxRest implements ExchangeRest {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly history: RequestBudget;
  private readonly other: RequestBudget;
  private blockedUntilMs = 0;
  private readonly books = new Map<'SPOT' | 'SWAP', Book>();
  private readonly booksInFlight = new Map<'SPOT' | 'SWAP', Promise<Book>>();
  /** Epochs set by a detected relisting that the instrument book did not (yet) show. */
  private readonly epochOverrides = new Map<string, number>();

  constructor(private readonly o: OkxRestOptions) {
    this.baseUrl = (o.baseUrl ?? DEFAULT_REST_BASE_URL).replace(/\/$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
    const windowMs = o.requestWindowMs ?? LIMITS.historyWindowMs;
    this.history = new RequestBudget(o.historyRequestsPerWindow ?? LIMITS.historyRequestsPerWindow, windowMs, o.clock);
    this.other = new RequestBudget(2 * (o.historyRequestsPerWindow ?? LIMITS.historyRequestsPerWindow), windowMs, o.clock);
  }

  /** history-* requests in the current window (at most 20 in 2 s). */
  get historyRequestsInWindow(): number {
    return this.history.used;
  }

  /**
   * OKX's own candles, ascending, by Binance's window rules (which the proxy route promises): from
   * `startTimeMs` on, else the newest up to `endTimeMs` (or now), at most `limit`. Bars of 6h and
   * longer are OKX's UTC+8 ones. Volume is in base for spot and swaps alike (`vol` of spot,
   * `volCcy` of swaps), quote volume is `volCcyQuote`: the units exgate's own candles have.
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    checkSymbol(query.symbol);
    const bar = BAR_CODES[query.interval];
    if (bar === undefined) throw new ExgateError('UNSUPPORTED_INTERVAL', `OKX has no ${query.interval} candles`, { details: { interval: query.interval } });
    const limit = query.limit ?? 500;
    checkLimit(limit, LIMITS.klinesPerQuery);
    if (query.startTimeMs !== undefined && query.endTimeMs !== undefined && query.startTimeMs > query.endTimeMs) {
      throw new ExgateError('INVALID_ARGUMENT', 'startTime is after endTime', { details: { ...query } });
    }
    const now = this.o.clock.nowMs();
    const buckets = bucketsOf(query, limit, now);
    const out: Kline[] = [];
    for (let i = 0; i < buckets.length; i += LIMITS.candlesPerCall) {
      const page = buckets.slice(i, i + LIMITS.candlesPerCall);
      const first = page[0]!;
      const last = page[page.length - 1]!;
      const span = intervalMs(query.interval);
      const recent = query.interval !== '1s' && (span === null || (now - first) / span < RECENT_BARS - 1);
      const rows = await this.get(recent ? '/api/v5/market/candles' : '/api/v5/market/history-candles', {
        instId: query.symbol, bar, after: last + 1, before: first - 1, limit: page.length,
      }, candleRows, recent ? this.other : this.history);
      out.push(...rows.map((r) => toKline(r, query.interval, isSwap(query.symbol))).filter((k) => k.openTimeMs >= first && k.openTimeMs <= last).reverse());
    }
    return out.sort((a, b) => a.openTimeMs - b.openTimeMs);
  }

  /**
   * Prints from exgate id `fromId` on, ascending: history-trades by `tradeId` (type=1), paged
   * backwards from `after` = the id past the page. An id of an earlier listing epoch starts at the
   * current listing's first fill: the earlier listing's fills are gone from OKX.
   */
  async tradesFromId(symbol: string, fromId: number, limit: number): Promise<Trade[]> {
    checkSymbol(symbol);
    checkLimit(limit, Number.MAX_SAFE_INTEGER);
    const listing = await this.requireListing(symbol);
    const wanted = splitId(fromId);
    if (wanted.epoch > listing.epoch) return [];
    const from = wanted.epoch < listing.epoch ? 1 : Math.max(1, wanted.tradeId);
    const n = Math.min(limit, LIMITS.historyTradesPerCall);
    const rows = await this.get('/api/v5/market/history-trades', { instId: symbol, type: 1, after: from + n, limit: n }, restTrades, this.history);
    return this.toTrades(rows, listing).filter((t) => Number(t.sourceId) >= from);
  }

  /** The newest prints (at most 500), ascending. */
  async recentTrades(symbol: string, limit: number): Promise<Trade[]> {
    checkSymbol(symbol);
    checkLimit(limit, LIMITS.recentTradesPerCall);
    const listing = await this.requireListing(symbol);
    const rows = await this.get('/api/v5/market/trades', { instId: symbol, limit }, restTrades, this.other);
    return this.toTrades(rows, listing);
  }

  /**
   * The first print at or after `timeMs`: the newest one before it by time (type=2 pages by
   * timestamp; `after` = older than), then the next id. None before it: the listing's first fill,
   * if OKX still has it (a listing younger than its three months of history), else a refusal.
   */
  async tradeAtOrAfter(symbol: string, timeMs: number): Promise<Trade | null> {
    checkSymbol(symbol);
    const listing = await this.requireListing(symbol);
    const [before] = await this.get('/api/v5/market/history-trades', { instId: symbol, type: 2, after: timeMs, limit: 1 }, restTrades, this.history);
    const next = before ? Number(before.tradeId) + 1 : 1;
    const [first] = await this.tradesFromId(symbol, idOf(listing.epoch, next), 1);
    if (!before && !first) {
      // Nothing older, and the listing's first fill is gone: the time is before the history OKX keeps.
      throw new ExgateError('EXCHANGE_REJECTED', `OKX keeps about three months of ${symbol} trades: ${new Date(timeMs).toISOString()} is before the oldest it serves`, {
        details: { symbol, timeMs },
      });
    }
    return first ?? null;
  }

  async hasSymbol(symbol: string): Promise<boolean> {
    return (await this.instrument(symbol)) !== undefined;
  }

  /** The instrument as OKX lists it (state live); undefined when OKX lists none. */
  async instrument(instId: string): Promise<Instrument | undefined> {
    if (!SYMBOL_PATTERN.test(instId)) return undefined;
    const type = instTypeOf(instId);
    const now = this.o.clock.nowMs();
    const ttl = this.o.instrumentsTtlMs ?? 60 * 60 * 1000;
    const cached = this.books.get(type);
    if (cached && now - cached.fetchedAtMs < ttl && (cached.byId.has(instId) || now - cached.fetchedAtMs < MISS_REFRESH_MS)) {
      return cached.byId.get(instId);
    }
    return (await this.fetchBook(type)).byId.get(instId);
  }

  /** What the mapper needs of a listed instrument; UNKNOWN_SYMBOL when OKX lists none. */
  async requireListing(instId: string): Promise<Listing> {
    const i = await this.instrument(instId);
    if (!i) throw new ExgateError('UNKNOWN_SYMBOL', `OKX lists no live ${instId.slice(0, 40)}`, { details: { symbol: instId.slice(0, 40) } });
    return this.listingOf(i);
  }

  /** Synchronous, for the mapper: what the book holds now (undefined before the first load). */
  cachedListing(instId: string): Listing | undefined {
    const i = this.books.get(instTypeOf(instId))?.byId.get(instId);
    return i ? this.listingOf(i) : undefined;
  }

  /**
   * A fill showed that `instId` was relisted (its tradeId restarted while time went on): reload
   * the book for the new `listTime`. Should OKX still show the old one, the new listing is put in
   * the epoch after it, or the day of its first fill if later (logged: a restart could number it
   * differently until the book shows the new listTime).
   */
  async relisted(instId: string, firstFillMs: number): Promise<Listing> {
    const before = this.cachedListing(instId)?.epoch ?? 0;
    const book = await this.fetchBook(instTypeOf(instId));
    const i = book.byId.get(instId);
    if (!i) throw new ExgateError('UNKNOWN_SYMBOL', `OKX no longer lists ${instId.slice(0, 40)}`);
    let listing = this.listingOf(i);
    if (listing.epoch <= before) {
      const epoch = Math.max(before + 1, epochOf(firstFillMs));
      this.epochOverrides.set(instId, epoch);
      this.o.logger.warn({ instId, listTime: i.listTime, epoch }, 'OKX relisting detected but listTime unchanged: numbering the new listing from the next epoch');
      listing = this.listingOf(i);
    }
    return listing;
  }

  private listingOf(i: Instrument): Listing {
    const listTime = i.listTime && /^\d+$/.test(i.listTime) ? Number(i.listTime) : null;
    const epoch = Math.max(epochOf(listTime), this.epochOverrides.get(i.instId) ?? 0);
    return isSwap(i.instId) ? { epoch, ...(i.ctVal ? { ctVal: i.ctVal } : {}) } : { epoch };
  }

  private fetchBook(type: 'SPOT' | 'SWAP'): Promise<Book> {
    let inFlight = this.booksInFlight.get(type);
    if (!inFlight) {
      inFlight = this.get('/api/v5/public/instruments', { instType: type }, instruments, this.other).then((list) => {
        // Only linear swaps are collected: inverse ones (ctValCcy USD) would need a price to size.
        const book = { byId: new Map(list.filter((i) => i.state === 'live' && SYMBOL_PATTERN.test(i.instId)).map((i) => [i.instId, i])), fetchedAtMs: this.o.clock.nowMs() };
        this.books.set(type, book);
        return book;
      }).finally(() => this.booksInFlight.delete(type));
      this.booksInFlight.set(type, inFlight);
    }
    return inFlight;
  }

  private toTrades(rows: readonly RestTrade[], listing: Listing): Trade[] {
    const receivedAtMs = this.o.clock.nowMs();
    return [...rows].sort((a, b) => Number(a.tradeId) - Number(b.tradeId)).map((r) => {
      const problem = valuesProblem(r.px, r.sz, Number(r.ts), receivedAtMs);
      if (problem) throw new ExgateError('MALFORMED_FRAME', `OKX trade ${r.tradeId}: ${problem.reason}`, { details: { kind: problem.kind } });
      return okxTrade(r, 'trade', listing, receivedAtMs);
    });
  }

  private async get<S extends z.ZodType>(path: string, params: Record<string, string | number>, schema: S, budget: RequestBudget): Promise<z.infer<S>> {
    const remainingMs = this.blockedUntilMs - this.o.clock.nowMs();
    if (remainingMs > 0) {
      throw new ExgateError('RATE_LIMITED', `OKX ${path}: held back for ${remainingMs} ms more`, { details: { path, heldBack: true }, retryAfterMs: remainingMs });
    }
    await budget.reserve();
    const url = `${this.baseUrl}${path}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
    const { res, text } = await fetchText('OKX', path, url, this.timeoutMs);
    const body = envelope.safeParse(safeJson(text));
    if (res.status === 429 || (body.success && body.data.code === '50011')) {
      const retryAfterMs = retryAfterSecondsMs(res.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS;
      this.blockedUntilMs = this.o.clock.nowMs() + retryAfterMs;
      this.o.logger.warn({ path, status: res.status, retryAfterMs }, 'OKX REST limit hit: holding all requests until it has passed');
      throw new ExgateError('RATE_LIMITED', `OKX ${path}: too many requests`, { details: { path, status: res.status }, retryAfterMs });
    }
    if (!res.ok) {
      throw new ExgateError(res.status >= 500 ? 'EXCHANGE_UNAVAILABLE' : 'EXCHANGE_REJECTED', `OKX ${path}: HTTP ${res.status} ${text.slice(0, 100)}`.trim(), {
        details: { path, status: res.status, body: text.slice(0, 200) },
      });
    }
    if (!body.success) throw unexpectedBody('OKX', path, text, body.error.issues[0]?.message);
    if (body.data.code !== '0') throw codeFailure(path, body.data.code, body.data.msg);
    return readBody('OKX', path, text, schema, body.data.data);
  }
}

/** `{"code":"51001","msg":"Instrument ID does not exist","data":[]}` and friends, inside HTTP 200. */
function codeFailure(path: string, code: string, msg: string): ExgateError {
  const details = { path, code, msg: msg.slice(0, 200) };
  const message = `OKX ${path}: code ${code} ${msg.slice(0, 100)}`;
  const byCode: Readonly<Record<string, ErrorCode>> = { '51001': 'UNKNOWN_SYMBOL', '50001': 'EXCHANGE_UNAVAILABLE', '50004': 'EXCHANGE_UNAVAILABLE', '50026': 'EXCHANGE_UNAVAILABLE' };
  return new ExgateError(byCode[code] ?? 'EXCHANGE_REJECTED', message, { details });
}

/**
 * Open times of the buckets a query asks for, ascending, on OKX's clock (UTC+8 for 6h and longer):
 * from the first bucket opening at or after `startTimeMs` (at most `limit`, none after `endTimeMs`
 * or now), else the `limit` newest up to `endTimeMs` or now.
 */
export function bucketsOf(query: KlineQuery, limit: number, nowMs: number): number[] {
  const { interval } = query;
  const tz = OKX_CANDLES.tzOffsetMs;
  const newest = openTimeMs(interval, Math.min(query.endTimeMs ?? nowMs, nowMs), tz);
  const out: number[] = [];
  if (query.startTimeMs !== undefined) {
    let open = openTimeMs(interval, query.startTimeMs, tz);
    if (open < query.startTimeMs) open = nextOpenTimeMs(interval, open, tz);
    for (; open <= newest && out.length < limit; open = nextOpenTimeMs(interval, open, tz)) out.push(open);
    return out;
  }
  for (let open = newest; out.length < limit; open = openTimeMs(interval, open - 1, tz)) out.unshift(open);
  return out;
}

/** OKX's 9 strings → exgate's kline: base volume (spot `vol`, swap `volCcy`), quote `volCcyQuote`. */
function toKline(r: CandleRow, interval: IntervalId, swap: boolean): Kline {
  const [ts, open, high, low, close, vol, volCcy, volCcyQuote] = r;
  const volume = swap ? volCcy : vol;
  if (![open, high, low, close, volume, volCcyQuote].every(isPlainDecimal)) {
    throw new ExgateError('EXCHANGE_UNAVAILABLE', `OKX candle ${ts}: a value is not a plain decimal`, { details: { row: r.join(',').slice(0, 200) } });
  }
  const openTime = Number(ts);
  return {
    openTimeMs: openTime, closeTimeMs: closeTimeMs(interval, openTime, OKX_CANDLES.tzOffsetMs), open, high, low, close, volume,
    quoteVolume: volCcyQuote, takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0,
  };
}

function checkSymbol(symbol: string): void {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new ExgateError('INVALID_ARGUMENT', `"${symbol.slice(0, 40)}" is not an OKX symbol (BTC-USDT for spot, BTC-USDT-SWAP for the linear swap)`, {
      details: { symbol: symbol.slice(0, 40) },
    });
  }
}
