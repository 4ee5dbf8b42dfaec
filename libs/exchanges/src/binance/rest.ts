import type { Kline, Trade, TradeKind } from '@exgate/domain';
import { ExgateError, type ErrorCode } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { z } from 'zod';
import { checkLimit, fetchText, readBody, safeJson } from '../common/http';
import type { ExchangeRest, KlineQuery } from '../types';
import type { BinanceMarket } from './market';
import { trade, valueProblem } from './mapper';
import { exchangeInfo, restAggTrade, restError, restKline, restTrade } from './schemas';
import { WeightBudget } from './weight';

export interface BinanceRestOptions {
  readonly market: BinanceMarket;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Kind served when a call does not say. */
  readonly tradeKind?: TradeKind;
  /** Needed only for futures' `historicalTrades` (trade-kind backfill). */
  readonly apiKey?: string;
  /** Binance's request-weight limit and its window (the market's, per minute). */
  readonly weightLimit?: number;
  readonly weightWindowMs?: number;
  readonly exchangeInfoTtlMs?: number;
}

/** When Binance bans (418) or limits (429) without Retry-After: wait a window rather than hammer. */
const DEFAULT_RETRY_AFTER_MS = 60_000;
/** A symbol we do not know may be newly listed: refresh exchangeInfo on a miss, at most this often. */
const MISS_REFRESH_MS = 60_000;

/**
 * Binance REST (USDⓈ-M or spot, per `market`) over Node's fetch. Every failure is an ExgateError; after a 429 or 418 no
 * request leaves until Retry-After has passed (sending more is how an IP gets banned), and calls
 * slow down before the weight limit instead of running into it.
 */
export class BinanceRest implements ExchangeRest {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly budget: WeightBudget;
  private blocked: { untilMs: number; code: ErrorCode } | null = null;
  private symbols: { set: ReadonlySet<string>; fetchedAtMs: number } | null = null;
  private symbolsInFlight: Promise<ReadonlySet<string>> | null = null;

  private readonly m: BinanceMarket;

  constructor(private readonly o: BinanceRestOptions) {
    this.m = o.market;
    this.baseUrl = (o.baseUrl ?? o.market.defaultRestBaseUrl).replace(/\/$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.budget = new WeightBudget(o.weightLimit ?? o.market.limits.requestWeightPerMinute, o.weightWindowMs ?? 60_000, o.clock);
  }

  /** Weight Binance says we used in the current window (X-MBX-USED-WEIGHT-1M). */
  get usedWeight(): number {
    return this.budget.used;
  }

  async klines(query: KlineQuery): Promise<Kline[]> {
    this.checkSymbol(query.symbol);
    if (!this.m.intervals.includes(query.interval)) {
      throw new ExgateError('UNSUPPORTED_INTERVAL', `${this.m.name} has no ${query.interval} klines`, { details: { interval: query.interval } });
    }
    const limit = query.limit ?? 500;
    checkLimit(limit, this.m.limits.maxKlinesPerCall);
    if (query.startTimeMs !== undefined && query.endTimeMs !== undefined && query.startTimeMs > query.endTimeMs) {
      throw new ExgateError('INVALID_ARGUMENT', 'startTime is after endTime', { details: { ...query } });
    }
    const rows = await this.get('klines', {
      symbol: query.symbol, interval: query.interval, startTime: query.startTimeMs, endTime: query.endTimeMs, limit,
    }, this.m.weights.klines(limit), restKline.array());
    return rows.map((r) => ({
      openTimeMs: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5], closeTimeMs: r[6],
      quoteVolume: r[7], tradeCount: r[8], takerBuyVolume: r[9], takerBuyQuoteVolume: r[10],
    }));
  }

  async tradesFromId(symbol: string, fromId: number, limit: number, kind = this.o.tradeKind ?? 'aggTrade'): Promise<Trade[]> {
    this.checkSymbol(symbol);
    checkLimit(limit, this.m.limits.maxTradesPerCall);
    if (!Number.isSafeInteger(fromId) || fromId < 0) throw new ExgateError('INVALID_ARGUMENT', `fromId ${fromId} is not a trade id`);
    if (kind === 'aggTrade') return this.aggTrades(symbol, { fromId, limit });
    if (this.m.historicalTradesNeedKey && !this.o.apiKey) {
      throw new ExgateError('EXCHANGE_REJECTED',
        'Binance serves raw trades by id (historicalTrades) only with an API key: configure one, or collect aggTrades', { details: { symbol } });
    }
    const rows = await this.get('historicalTrades', { symbol, fromId, limit }, this.m.weights.historicalTrades, restTrade.array(), true);
    return this.toTrades(symbol, rows.map((r) => ({ id: r.id, f: r.id, l: r.id, p: r.price, q: r.qty, T: r.time, m: r.isBuyerMaker })), 'trade');
  }

  async recentTrades(symbol: string, limit: number, kind = this.o.tradeKind ?? 'aggTrade'): Promise<Trade[]> {
    this.checkSymbol(symbol);
    checkLimit(limit, this.m.limits.maxTradesPerCall);
    if (kind === 'aggTrade') return this.aggTrades(symbol, { limit });
    const rows = await this.get('trades', { symbol, limit }, this.m.weights.trades, restTrade.array());
    return this.toTrades(symbol, rows.map((r) => ({ id: r.id, f: r.id, l: r.id, p: r.price, q: r.qty, T: r.time, m: r.isBuyerMaker })), 'trade');
  }

  /**
   * By time, through aggTrades (the only trade history Binance searches by time): for the raw
   * trade kind, the aggTrade's first fill is the first trade at or after `timeMs`.
   */
  async tradeAtOrAfter(symbol: string, timeMs: number, kind = this.o.tradeKind ?? 'aggTrade'): Promise<Trade | null> {
    this.checkSymbol(symbol);
    if (!Number.isSafeInteger(timeMs) || timeMs < 0) throw new ExgateError('INVALID_ARGUMENT', `time ${timeMs} is not a time`);
    const rows = await this.get('aggTrades', { symbol, startTime: timeMs, limit: 1 }, this.m.weights.aggTrades, restAggTrade.array());
    const first = rows[0];
    if (!first) return null;
    if (kind === 'aggTrade') return this.toTrades(symbol, [{ id: first.a, f: first.f, l: first.l, p: first.p, q: first.q, T: first.T, m: first.m }], 'aggTrade')[0]!;
    const [raw] = await this.tradesFromId(symbol, first.f, 1, 'trade');
    return raw ?? null;
  }

  async hasSymbol(symbol: string): Promise<boolean> {
    if (!this.m.symbolPattern.test(symbol)) return false;
    const now = this.o.clock.nowMs();
    const ttl = this.o.exchangeInfoTtlMs ?? 60 * 60 * 1000;
    const cached = this.symbols;
    if (cached && now - cached.fetchedAtMs < ttl && (cached.set.has(symbol) || now - cached.fetchedAtMs < MISS_REFRESH_MS)) {
      return cached.set.has(symbol);
    }
    this.symbolsInFlight ??= this.fetchSymbols().finally(() => {
      this.symbolsInFlight = null;
    });
    return (await this.symbolsInFlight).has(symbol);
  }

  private async fetchSymbols(): Promise<ReadonlySet<string>> {
    const info = await this.get('exchangeInfo', {}, this.m.weights.exchangeInfo, exchangeInfo);
    const set = new Set(info.symbols.map((s) => s.symbol));
    this.symbols = { set, fetchedAtMs: this.o.clock.nowMs() };
    return set;
  }

  private async aggTrades(symbol: string, params: { fromId?: number; limit: number }): Promise<Trade[]> {
    const rows = await this.get('aggTrades', { symbol, ...params }, this.m.weights.aggTrades, restAggTrade.array());
    return this.toTrades(symbol, rows.map((r) => ({ id: r.a, f: r.f, l: r.l, p: r.p, q: r.q, T: r.T, m: r.m })), 'aggTrade');
  }

  private toTrades(symbol: string, rows: readonly Row[], kind: TradeKind): Trade[] {
    const receivedAtMs = this.o.clock.nowMs();
    return rows.map((r) => {
      const problem = valueProblem(r.p, r.q, r.T, r.T, receivedAtMs);
      if (problem) throw new ExgateError('MALFORMED_FRAME', `Binance REST ${kind} ${r.id}: ${problem.reason}`, { details: { symbol, kind: problem.kind } });
      // REST serves market fills only (no insurance-fund or ADL prints), and has no event time.
      return trade(this.m.exchange, symbol, kind, r.id, r.f, r.l, r.p, r.q, r.m, true, r.T, r.T, receivedAtMs);
    });
  }

  private checkSymbol(symbol: string): void {
    if (!this.m.symbolPattern.test(symbol)) {
      throw new ExgateError('INVALID_ARGUMENT', `"${symbol.slice(0, 40)}" is not a ${this.m.name} symbol (upper case, e.g. BTCUSDT)`, { details: { symbol: symbol.slice(0, 40) } });
    }
  }

  /** `endpoint` is the name under the market's prefix: `klines` → `/fapi/v1/klines`. */
  private async get<S extends z.ZodType>(
    endpoint: string,
    params: Record<string, string | number | undefined>,
    weight: number,
    schema: S,
    withKey = false,
  ): Promise<z.infer<S>> {
    const path = `${this.m.restPrefix}/${endpoint}`;
    this.throwIfBlocked(path);
    await this.budget.reserve(weight);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const url = `${this.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
    const { res, text } = await fetchText('Binance', path, url, this.timeoutMs, withKey && this.o.apiKey ? { 'X-MBX-APIKEY': this.o.apiKey } : {});
    this.budget.observe(res.headers.get('x-mbx-used-weight-1m'));
    if (res.ok) return readBody('Binance', path, text, schema);
    throw this.failure(path, res, text);
  }

  private failure(path: string, res: Response, text: string): ExgateError {
    const body = restError.safeParse(safeJson(text));
    const binance = body.success ? body.data : null;
    const details = { path, status: res.status, binanceCode: binance?.code, binanceMsg: binance?.msg };
    const message = `Binance ${path}: HTTP ${res.status}${binance ? ` ${binance.code} ${binance.msg}` : ''}`;
    if (res.status === 429 || res.status === 418) {
      const retryAfterMs = retryAfterOf(res.headers.get('retry-after'), this.o.clock.nowMs()) ?? DEFAULT_RETRY_AFTER_MS;
      const code: ErrorCode = res.status === 429 ? 'RATE_LIMITED' : 'EXCHANGE_BANNED';
      this.blocked = { untilMs: this.o.clock.nowMs() + retryAfterMs, code };
      this.o.logger.warn({ path, status: res.status, retryAfterMs }, 'Binance REST limit hit: holding all requests until Retry-After');
      return new ExgateError(code, message, { details, retryAfterMs });
    }
    if (binance?.code === -1121) return new ExgateError('UNKNOWN_SYMBOL', `Binance does not list the symbol (${binance.msg})`, { details });
    if (binance?.code === -1120) return new ExgateError('UNSUPPORTED_INTERVAL', `Binance rejected the interval (${binance.msg})`, { details });
    if (res.status >= 500 || res.status === 403) return new ExgateError('EXCHANGE_UNAVAILABLE', message, { details });
    return new ExgateError('EXCHANGE_REJECTED', message, { details });
  }

  private throwIfBlocked(path: string): void {
    if (!this.blocked) return;
    const remainingMs = this.blocked.untilMs - this.o.clock.nowMs();
    if (remainingMs <= 0) {
      this.blocked = null;
      return;
    }
    throw new ExgateError(this.blocked.code, `Binance ${path}: held back for ${remainingMs} ms more (Retry-After)`, {
      details: { path, heldBack: true }, retryAfterMs: remainingMs,
    });
  }
}

interface Row {
  readonly id: number;
  readonly f: number;
  readonly l: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
}

/** Retry-After is seconds or an HTTP date (RFC 9110). */
export function retryAfterOf(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number.parseInt(header, 10) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
