import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestFault } from '../../common/simulator/core';
import { LIMITS, type Category } from '../constants';
import { klineRows } from './klines';
import type { BybitSimPrint } from './recording';

/** A Bybit answer in an HTTP 200 with a non-zero retCode (`{"retCode":10006,"retMsg":"Too many visits!"}`). */
export interface RetCodeFault {
  readonly retCode: number;
  readonly retMsg: string;
  /** For 10006: when the limit resets, sent as X-Bapi-Limit-Reset-Timestamp. */
  readonly resetInMs?: number;
}

export interface BybitRestContext {
  /** Symbols listed per category, Bybit's spelling. */
  readonly listed: (category: Category) => readonly string[];
  /** What REST may serve of a symbol's fills (printed so far, or all), Bybit's spelling. */
  readonly prints: (category: Category, wire: string) => readonly BybitSimPrint[];
  readonly takeFault: () => RestFault | null;
  readonly takeRetCodeFault: () => RetCodeFault | null;
  readonly window: RequestWindow;
  /** Linear instruments-info page size when the client sends no `limit` (Bybit: 500). */
  readonly instrumentsPageSize: number;
  readonly onRequest: (path: string, query: Readonly<Record<string, string>>, status: number, retCode: number | null) => void;
}

/** Bybit's per-IP HTTP limit: requests in a rolling window; past it, 403 for `banMs`. */
export class RequestWindow {
  private readonly atMs: number[] = [];
  private bannedUntilMs = 0;
  constructor(readonly limit: number, readonly windowMs: number, readonly banMs: number) {}

  admit(nowMs: number): boolean {
    if (nowMs < this.bannedUntilMs) return false;
    while (this.atMs.length > 0 && this.atMs[0]! <= nowMs - this.windowMs) this.atMs.shift();
    if (this.atMs.length >= this.limit) {
      this.bannedUntilMs = nowMs + this.banMs;
      return false;
    }
    this.atMs.push(nowMs);
    return true;
  }
}

const CODES: Readonly<Record<string, Category>> = { linear: 'linear', spot: 'spot' };
const INTERVALS = ['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W', 'M'];

export async function handleBybitRest(req: IncomingMessage, res: ServerResponse, ctx: BybitRestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const q = url.searchParams;
  const send = (status: number, body: string, headers: Record<string, string> = {}, retCode: number | null = null): void => {
    ctx.onRequest(url.pathname, Object.fromEntries(q), status, retCode);
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', ...headers });
    res.end(body);
  };
  const answer = (retCode: number, retMsg: string, result: unknown, headers: Record<string, string> = {}): void =>
    send(200, JSON.stringify({ retCode, retMsg, result, retExtInfo: {}, time: Date.now() }), { 'content-type': 'application/json', ...headers }, retCode);
  const ok = (result: unknown): void => answer(0, 'OK', result);
  const refuse = (retMsg: string): void => answer(10001, retMsg, {});

  const fault = ctx.takeFault();
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault && fault.status !== 200) {
    const headers: Record<string, string> = fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) };
    send(fault.status, fault.status === 403 ? 'access too frequent' : 'upstream error', headers);
    return;
  }
  if (!ctx.window.admit(Date.now())) return send(403, 'access too frequent');
  const coded = ctx.takeRetCodeFault();
  if (coded) {
    const headers: Record<string, string> = coded.resetInMs === undefined ? {} : { 'x-bapi-limit-reset-timestamp': String(Date.now() + coded.resetInMs) };
    return answer(coded.retCode, coded.retMsg, {}, headers);
  }

  const known = ['/v5/market/recent-trade', '/v5/market/kline', '/v5/market/instruments-info'];
  if (!known.includes(url.pathname)) return send(404, 'Not Found');
  const category = CODES[q.get('category') ?? ''];
  if (!category) return refuse(q.get('category') ? 'Illegal category' : 'category is required');
  const symbol = q.get('symbol');
  const int = (name: string): number | null | 'bad' => {
    const v = q.get(name);
    if (v === null) return null;
    return /^\d+$/.test(v) ? Number.parseInt(v, 10) : 'bad';
  };

  if (url.pathname === '/v5/market/instruments-info') {
    // Every listed symbol is Trading: a filter on another status (PreLaunch) finds none.
    const status = q.get('status') ?? 'Trading';
    const all = ctx.listed(category).filter((s) => (symbol === null || s === symbol) && status === 'Trading').map((s) => instrument(category, s));
    if (category === 'spot') return ok({ category, list: all });
    const limit = int('limit') ?? ctx.instrumentsPageSize;
    if (limit === 'bad' || limit < 1 || limit > 1000) return refuse('params error: limit must be in [1, 1000]');
    const from = Number.parseInt(q.get('cursor') ?? '0', 10) || 0;
    const next = from + limit < all.length ? String(from + limit) : '';
    return ok({ category, list: all.slice(from, from + limit), nextPageCursor: next });
  }

  if (!symbol) return refuse('params error: symbol is required');
  if (!ctx.listed(category).includes(symbol)) return refuse('Not supported symbols');
  const prints = ctx.prints(category, symbol);

  if (url.pathname === '/v5/market/recent-trade') {
    const max = LIMITS.recentTradesPerCall[category];
    const limit = int('limit') ?? (category === 'spot' ? 60 : 500);
    if (limit === 'bad' || limit < 1 || limit > max) return refuse(`params error: limit must be in [1, ${max}]`);
    // Newest first, as Bybit lists them.
    return ok({ category, list: prints.slice(-limit).reverse().map(recentRow) });
  }

  const interval = q.get('interval') ?? '';
  if (!INTERVALS.includes(interval)) return refuse('Invalid period!');
  const limit = int('limit') ?? 200;
  const start = int('start');
  const end = int('end');
  if (limit === 'bad' || limit < 1 || limit > LIMITS.klinesPerCall) return refuse(`params error: limit must be in [1, ${LIMITS.klinesPerCall}]`);
  if (start === 'bad' || end === 'bad') return refuse('params error: start and end are ms timestamps');
  // Anchored at `end` (now by default): the newest rows ≤ end and ≥ start, newest first.
  const rows = klineRows(prints, interval).filter((r) => (start === null || r.openTimeMs >= start) && r.openTimeMs <= (end ?? Date.now()));
  return ok({ symbol, category, list: rows.slice(-limit).reverse().map((r) => r.row) });
}

function recentRow(p: BybitSimPrint) {
  const seq = (p.item as { seq?: unknown }).seq;
  return {
    execId: p.sourceId, symbol: p.wire, price: p.price, size: p.size, side: p.takerSide, time: String(p.tradeTimeMs),
    isBlockTrade: p.blockTrade, isRPITrade: p.rpiTrade, ...(typeof seq === 'number' ? { seq: String(seq) } : {}),
  };
}

function instrument(category: Category, symbol: string) {
  const base = symbol.replace(/(USDT|USDC|PERP|-\d{1,2}[A-Z]{3}\d{2})+$/, '') || symbol;
  const quote = symbol.includes('USDC') || symbol.endsWith('PERP') ? 'USDC' : 'USDT';
  return category === 'spot'
    ? { symbol, baseCoin: base, quoteCoin: quote, status: 'Trading', lotSizeFilter: { basePrecision: '0.000001' }, priceFilter: { tickSize: '0.01' } }
    : { symbol, contractType: 'LinearPerpetual', status: 'Trading', baseCoin: base, quoteCoin: quote, priceFilter: { tickSize: '0.10' }, lotSizeFilter: { qtyStep: '0.001' } };
}
