import type { IntervalId, Kline, Trade } from '@exgate/domain';
import { closeTimeMs } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import type { z } from 'zod';
import { bucketsOf, pagesOf } from '../common/buckets';
import { isPlainDecimal } from '../common/decimal';
import { fetchText, readBody, retryAfterSecondsMs, safeJson } from '../common/http';
import type { ExchangeRest, KlineQuery } from '../types';
import { DEFAULT_REST_BASE_URL, GRANULARITIES, LIMITS, SYMBOL_PATTERN } from './constants';
import { NO_CREDENTIALS } from './feed';
import { isoMs } from './mapper';
import { candlesResponse, instruments, restError, type Instrument } from './schemas';

export interface IntxRestOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Whether the feed can sign subscriptions: without, a pull is refused before anything is stored. */
  readonly canSubscribe: boolean;
  readonly instrumentsTtlMs?: number;
}

/** A name we do not know may be newly listed: the listing is refreshed on a miss, at most this often. */
const MISS_REFRESH_MS = 60_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;

const NO_TRADES_ENDPOINT =
  'Coinbase INTX has no public trades endpoint (only assets, instruments, quote, funding and candles): '
  + 'prints come from the MATCH channel only, and what a disconnection hid is marked gap_free: false (capabilities.backfill: none)';

/**
 * INTX's public REST over Node's fetch: candles for the proxy route (seed 002's
 * `GET /api/v1/instruments/{instrument}/candles`) and the instrument listing. Every failure is an
 * ExgateError; a 429 holds every request until its Retry-After has passed.
 */
export class IntxRest implements ExchangeRest {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private heldUntilMs = 0;
  private listing: { bySymbol: ReadonlyMap<string, Instrument>; fetchedAtMs: number } | null = null;
  private listingInFlight: Promise<ReadonlyMap<string, Instrument>> | null = null;

  constructor(private readonly o: IntxRestOptions) {
    this.baseUrl = (o.baseUrl ?? DEFAULT_REST_BASE_URL).replace(/\/$/, '');
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /**
   * INTX's candles, ascending, by Binance's window rules (which the proxy route promises): from
   * `startTimeMs` on, else the newest up to `endTimeMs` (or now), at most `limit`. The window is
   * cut into pages of whole buckets, each asked with `start` and `end`.
   */
  async klines(query: KlineQuery): Promise<Kline[]> {
    checkSymbol(query.symbol);
    const granularity = GRANULARITIES[query.interval];
    if (granularity === undefined) {
      throw new ExgateError('UNSUPPORTED_INTERVAL', `Coinbase INTX has no ${query.interval} candles`, { details: { interval: query.interval } });
    }
    const limit = query.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1500) {
      throw new ExgateError('INVALID_ARGUMENT', `limit ${limit} is outside 1..1500`, { details: { limit, max: 1500 } });
    }
    if (query.startTimeMs !== undefined && query.endTimeMs !== undefined && query.startTimeMs > query.endTimeMs) {
      throw new ExgateError('INVALID_ARGUMENT', 'startTime is after endTime', { details: { ...query } });
    }
    const out: Kline[] = [];
    for (const page of pagesOf(bucketsOf(query, limit, this.o.clock.nowMs()), LIMITS.candlesPerCall)) {
      const first = page[0]!;
      const last = page[page.length - 1]!;
      const body = await this.get(`/api/v1/instruments/${query.symbol}/candles`, {
        granularity, start: iso(first), end: iso(last),
      }, candlesResponse);
      const rows = body.aggregations
        .map((a) => toKline(a, query.interval))
        .filter((k) => k.openTimeMs >= first && k.openTimeMs <= last)
        .sort((a, b) => a.openTimeMs - b.openTimeMs);
      out.push(...rows);
    }
    return out;
  }

  async tradesFromId(symbol: string): Promise<Trade[]> {
    throw new ExgateError('EXCHANGE_REJECTED', NO_TRADES_ENDPOINT, { details: { symbol: symbol.slice(0, 40), backfill: 'none' } });
  }

  async recentTrades(symbol: string): Promise<Trade[]> {
    checkSymbol(symbol);
    throw new ExgateError('EXCHANGE_REJECTED', NO_TRADES_ENDPOINT, { details: { symbol, backfill: 'none' } });
  }

  /**
   * Whether INTX lists the instrument. Asked before a pull is stored: without credentials the
   * feed could never subscribe, so the pull is refused here, clearly, instead of being stored and
   * never served.
   */
  async hasSymbol(symbol: string): Promise<boolean> {
    if (!SYMBOL_PATTERN.test(symbol)) return false;
    if (!this.o.canSubscribe) throw new ExgateError('CONFIG_INVALID', NO_CREDENTIALS, { details: { symbol } });
    return (await this.instrument(symbol)) !== undefined;
  }

  /** The instrument's listing (type, assets, increments); undefined when INTX lists none. */
  async instrument(symbol: string): Promise<Instrument | undefined> {
    if (!SYMBOL_PATTERN.test(symbol)) return undefined;
    const now = this.o.clock.nowMs();
    const ttl = this.o.instrumentsTtlMs ?? 60 * 60 * 1000;
    const cached = this.listing;
    if (cached && now - cached.fetchedAtMs < ttl && (cached.bySymbol.has(symbol) || now - cached.fetchedAtMs < MISS_REFRESH_MS)) {
      return cached.bySymbol.get(symbol);
    }
    this.listingInFlight ??= this.instruments().finally(() => {
      this.listingInFlight = null;
    });
    return (await this.listingInFlight).get(symbol);
  }

  /** `GET /api/v1/instruments`: every instrument INTX lists, by name. */
  async instruments(): Promise<ReadonlyMap<string, Instrument>> {
    const list = await this.get('/api/v1/instruments', {}, instruments);
    const bySymbol = new Map(list.filter((i) => i.trading_state === undefined || i.trading_state === 'TRADING').map((i) => [i.symbol, i] as const));
    this.listing = { bySymbol, fetchedAtMs: this.o.clock.nowMs() };
    return bySymbol;
  }

  private async get<S extends z.ZodType>(path: string, params: Record<string, string>, schema: S): Promise<z.infer<S>> {
    const remainingMs = this.heldUntilMs - this.o.clock.nowMs();
    if (remainingMs > 0) {
      throw new ExgateError('RATE_LIMITED', `Coinbase INTX ${path}: held back for ${remainingMs} ms more`, { details: { path, heldBack: true }, retryAfterMs: remainingMs });
    }
    const query = new URLSearchParams(params).toString();
    const { res, text } = await fetchText('Coinbase INTX', path, `${this.baseUrl}${path}${query ? `?${query}` : ''}`, this.timeoutMs);
    if (!res.ok) throw this.failure(path, res, text);
    return readBody('Coinbase INTX', path, text, schema);
  }

  private failure(path: string, res: Response, text: string): ExgateError {
    const parsed = restError.safeParse(safeJson(text));
    const said = parsed.success ? (parsed.data.title ?? parsed.data.message ?? '') : text.slice(0, 100);
    const details = { path, status: res.status, body: text.slice(0, 200) };
    const message = `Coinbase INTX ${path}: HTTP ${res.status}${said ? ` ${said.slice(0, 100)}` : ''}`;
    if (res.status === 429) {
      const retryAfterMs = retryAfterSecondsMs(res.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS;
      this.heldUntilMs = this.o.clock.nowMs() + retryAfterMs;
      this.o.logger.warn({ path, retryAfterMs }, 'Coinbase INTX REST limit hit: holding all requests until it has passed');
      return new ExgateError('RATE_LIMITED', message, { details, retryAfterMs });
    }
    if (res.status === 404 && path.startsWith('/api/v1/instruments/')) {
      return new ExgateError('UNKNOWN_SYMBOL', `Coinbase INTX does not list the instrument (${said.slice(0, 100) || 'not found'})`, { details });
    }
    return new ExgateError(res.status >= 500 ? 'EXCHANGE_UNAVAILABLE' : 'EXCHANGE_REJECTED', message, { details });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** INTX's strings → exgate's kline. INTX publishes no trade count, no quote volume, no taker split: zeros. */
function toKline(a: { start: string; open: string; high: string; low: string; close: string; volume: string }, interval: IntervalId): Kline {
  const openTime = isoMs(a.start);
  if (openTime === null || ![a.open, a.high, a.low, a.close, a.volume].every(isPlainDecimal)) {
    throw new ExgateError('EXCHANGE_UNAVAILABLE', `Coinbase INTX candle ${a.start.slice(0, 40)}: not ISO time and plain decimals`, {
      details: { row: JSON.stringify(a).slice(0, 200) },
    });
  }
  return {
    openTimeMs: openTime, closeTimeMs: closeTimeMs(interval, openTime), open: a.open, high: a.high, low: a.low, close: a.close,
    volume: a.volume, quoteVolume: '0', takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0,
  };
}

function checkSymbol(symbol: string): void {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new ExgateError('INVALID_ARGUMENT', `"${symbol.slice(0, 40)}" is not a Coinbase INTX instrument (BTC-PERP, BTC-USDC)`, {
      details: { symbol: symbol.slice(0, 40) },
    });
  }
}
