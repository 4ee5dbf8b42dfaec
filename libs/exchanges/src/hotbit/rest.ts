import { closeTimeMs, openTimeMs, type Kline, type Trade } from '@exgate/domain';
import { ExgateError, type ErrorCode } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { z } from 'zod';
import { isPlainDecimal } from '../common/decimal';
import { checkLimit, fetchText, readBody, retryAfterSecondsMs } from '../common/http';
import type { ExchangeRest, KlineQuery } from '../types';
import { DEFAULT_REST_BASE_URL, HOTBIT_CANDLES, INTERVAL_SECONDS, LIMITS, restMarketName, SYMBOL_PATTERN } from './constants';
import { tradesFromDeals } from './mapper';
import { hotbitDeal, hotbitEnvelope, hotbitKlineRow, hotbitMarket, type HotbitKlineRow, type HotbitMarket } from './schemas';
import { timeTexts } from './time';

export interface HotbitRestOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly marketListTtlMs?: number;
}

/** After a 429 without Retry-After, wait this long rather than hammer (HotBit documented no limits). */
const DEFAULT_RETRY_AFTER_MS = 60_000;
/** A market we do not know may be new: refresh market.list on a miss, at most this often. */
const MISS_REFRESH_MS = 60_000;
/** Room for a month of 31 days when a window is computed from `limit`. */
const LONGEST_BUCKET_S = 31 * 86_400;

/**
 * HotBit's public REST (`/p1/…`) over Node's fetch. Markets are `BTCUSDT` on the websocket and
 * `BTC/USDT` here: the name comes from `market.list`. Every failure is an ExgateError; after a
 * 429 nothing is sent until Retry-After has passed.
 */
export class HotbitRest implements ExchangeRest {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private blockedUntilMs = 0;
  private markets: { byName: ReadonlyMap<string, HotbitMarket>; fetchedAtMs: number } | null = null;
  private marketsInFlight: Promise<ReadonlyMap<string, HotbitMarket>> | null = null;

  constructor(private readonly o: HotbitRestOptions) {
    this.baseUrl = (o.baseUrl ?? DEFAULT_REST_BASE_URL).replace(/\/$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** `market.kline`: rows `[time, open, close, high, low, volume, amount, market]`, times in seconds. */
  async klines(query: KlineQuery): Promise<Kline[]> {
    checkSymbol(query.symbol);
    const step = INTERVAL_SECONDS[query.interval];
    if (step === undefined) throw new ExgateError('UNSUPPORTED_INTERVAL', `HotBit has no ${String(query.interval)} klines`);
    const limit = query.limit ?? 500;
    checkLimit(limit, LIMITS.klinesPerCall);
    const { startTimeMs: from, endTimeMs: to } = query;
    if (from !== undefined && to !== undefined && from > to) throw new ExgateError('INVALID_ARGUMENT', 'startTime is after endTime', { details: { ...query } });
    // HotBit wants both ends: without them, the window `limit` buckets wide that Binance would serve.
    const span = (query.interval === '1M' ? LONGEST_BUCKET_S : step) * 1000 * limit;
    const endMs = to ?? (from !== undefined ? from + span : this.o.clock.nowMs());
    const startMs = from ?? endMs - span;
    const market = await this.restMarket(query.symbol);
    // ViaBTC builds a month only from the days up to end_time: ask through the end of the last bucket.
    const { tzOffsetMs } = HOTBIT_CANDLES;
    const lastCloseMs = closeTimeMs(query.interval, openTimeMs(query.interval, endMs, tzOffsetMs), tzOffsetMs);
    const { result } = await this.get('/p1/market.kline', {
      market, start_time: Math.floor(startMs / 1000), end_time: Math.floor(lastCloseMs / 1000), interval: step,
    }, hotbitKlineRow.array());
    const rows = result.filter((r) => r[0] * 1000 >= startMs && r[0] * 1000 <= endMs);
    const page = from !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
    return page.map((r) => toKline(r, query.interval));
  }

  /** HotBit serves only its newest deals: no page starts at an id. */
  async tradesFromId(symbol: string, _fromId?: number, _limit?: number): Promise<Trade[]> {
    checkSymbol(symbol);
    throw new ExgateError('EXCHANGE_REJECTED',
      'HotBit cannot serve deals from an id: market.deals answers only the newest deals (at most 1000, of the last 10,000 kept); '
      + 'what a disconnection hid is marked as a gap instead (capabilities.backfill: newest-only)', { details: { symbol } });
  }

  /** `market.deals` with `last_id=0`: the newest `limit` deals, oldest first. */
  async recentTrades(symbol: string, limit: number): Promise<Trade[]> {
    checkSymbol(symbol);
    checkLimit(limit, LIMITS.maxDealsPerCall);
    const market = await this.restMarket(symbol);
    const { result, text } = await this.get('/p1/market.deals', { market, limit, last_id: 0 }, hotbitDeal.array());
    const trades = tradesFromDeals(symbol, result, timeTexts(text), this.o.clock.nowMs());
    if ('kind' in trades) throw new ExgateError('MALFORMED_FRAME', `HotBit market.deals ${market}: ${trades.reason}`, { details: { symbol, kind: trades.kind } });
    return trades;
  }

  async hasSymbol(symbol: string): Promise<boolean> {
    if (!SYMBOL_PATTERN.test(symbol)) return false;
    return (await this.marketList(symbol)).has(symbol);
  }

  /** `BTCUSDT` → `BTC/USDT`, from market.list. */
  private async restMarket(symbol: string): Promise<string> {
    const m = (await this.marketList(symbol)).get(symbol);
    if (!m) throw new ExgateError('UNKNOWN_SYMBOL', `HotBit does not list the market ${symbol}`, { details: { symbol } });
    return restMarketName(m.stock, m.money);
  }

  private async marketList(wanted: string): Promise<ReadonlyMap<string, HotbitMarket>> {
    const now = this.o.clock.nowMs();
    const cached = this.markets;
    const ttl = this.o.marketListTtlMs ?? 60 * 60 * 1000;
    if (cached && now - cached.fetchedAtMs < ttl && (cached.byName.has(wanted) || now - cached.fetchedAtMs < MISS_REFRESH_MS)) return cached.byName;
    this.marketsInFlight ??= this.get('/p1/market.list', {}, hotbitMarket.array()).then(({ result }) => {
      const byName = new Map(result.map((m) => [m.name, m]));
      this.markets = { byName, fetchedAtMs: this.o.clock.nowMs() };
      return byName;
    }).finally(() => {
      this.marketsInFlight = null;
    });
    return this.marketsInFlight;
  }

  private async get<S extends z.ZodType>(path: string, params: Record<string, string | number>, schema: S): Promise<{ result: z.infer<S>; text: string }> {
    const heldMs = this.blockedUntilMs - this.o.clock.nowMs();
    if (heldMs > 0) {
      throw new ExgateError('RATE_LIMITED', `HotBit ${path}: held back for ${heldMs} ms more (Retry-After)`, { details: { path, heldBack: true }, retryAfterMs: heldMs });
    }
    const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const url = `${this.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
    const { res, text } = await fetchText('HotBit', path, url, this.timeoutMs);
    if (!res.ok) throw this.httpFailure(path, res);
    const { error, result } = readBody('HotBit', path, text, hotbitEnvelope(schema)) as { error: { code: number; message: string } | null; result: unknown };
    if (error || result === null) {
      const code: ErrorCode = error && error.code !== 1 && error.code !== 4 ? 'EXCHANGE_UNAVAILABLE' : 'EXCHANGE_REJECTED';
      throw new ExgateError(code, `HotBit ${path}: ${error ? `error ${error.code} ${error.message}` : 'no result'}`, {
        details: { path, hotbitCode: error?.code, hotbitMessage: error?.message },
      });
    }
    return { result: result as z.infer<S>, text };
  }

  private httpFailure(path: string, res: Response): ExgateError {
    const details = { path, status: res.status };
    if (res.status === 429 || res.status === 418) {
      const retryAfterMs = retryAfterSecondsMs(res.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS;
      this.blockedUntilMs = this.o.clock.nowMs() + retryAfterMs;
      this.o.logger.warn({ path, status: res.status, retryAfterMs }, 'HotBit REST limit hit: holding all requests until Retry-After');
      return new ExgateError('RATE_LIMITED', `HotBit ${path}: HTTP ${res.status}`, { details, retryAfterMs });
    }
    return new ExgateError(res.status >= 500 || res.status === 403 ? 'EXCHANGE_UNAVAILABLE' : 'EXCHANGE_REJECTED', `HotBit ${path}: HTTP ${res.status}`, { details });
  }
}

function toKline(r: HotbitKlineRow, interval: KlineQuery['interval']): Kline {
  const [time, open, close, high, low, volume, amount] = r;
  if (![open, close, high, low, volume, amount].every(isPlainDecimal)) {
    throw new ExgateError('EXCHANGE_UNAVAILABLE', `HotBit market.kline: a row value is not a plain decimal (${JSON.stringify(r).slice(0, 120)})`);
  }
  const openTimeMs = time * 1000;
  return {
    openTimeMs, closeTimeMs: closeTimeMs(interval, openTimeMs, HOTBIT_CANDLES.tzOffsetMs),
    open, high, low, close, volume, quoteVolume: amount,
    // HotBit's rows carry neither the taker side nor a deal count.
    takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0,
  };
}

function checkSymbol(symbol: string): void {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new ExgateError('INVALID_ARGUMENT', `"${symbol.slice(0, 40)}" is not a HotBit market (upper case, no separator, e.g. BTCUSDT)`, { details: { symbol: symbol.slice(0, 40) } });
  }
}
