import type { IncomingMessage, ServerResponse } from 'node:http';
import Decimal from 'decimal.js';
import type { TradeKind } from '@exgate/domain';
import { foldKlines, isSimInterval, type KlineRow } from './klines';
import type { SimPrint } from './recording';

import type { RestFault } from '../../common/simulator/core';
import type { BinanceMarket } from '../market';

export interface RestContext {
  readonly market: BinanceMarket;
  readonly symbols: () => readonly string[];
  /** What REST may serve of the symbol's prints of a kind (printed so far, or all of them). */
  readonly prints: (symbol: string, kind: TradeKind) => readonly SimPrint[];
  readonly klines1m: (symbol: string) => readonly KlineRow[];
  readonly takeFault: () => RestFault | null;
  readonly weight: WeightWindow;
  readonly onRequest: (path: string, status: number) => void;
}

/** Binance's per-IP request weight, counted per window (a minute on Binance). */
export class WeightWindow {
  private windowStartMs = 0;
  private used = 0;
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Adds `weight` if it fits; returns the weight used in the window either way. */
  take(weight: number, nowMs: number): { ok: boolean; used: number; resetInMs: number } {
    const start = Math.floor(nowMs / this.windowMs) * this.windowMs;
    if (start !== this.windowStartMs) {
      this.windowStartMs = start;
      this.used = 0;
    }
    const ok = this.used + weight <= this.limit;
    if (ok) this.used += weight;
    return { ok, used: this.used, resetInMs: start + this.windowMs - nowMs };
  }
}

const ERR = {
  badSymbol: { code: -1121, msg: 'Invalid symbol.' },
  badInterval: { code: -1120, msg: 'Invalid interval.' },
  badLimit: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." },
  noKey: { code: -2014, msg: 'API-key format invalid.' },
  notFound: { code: -5000, msg: 'Path not found' },
  missing: (name: string) => ({ code: -1102, msg: `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.` }),
};

/** Request weights of the endpoints we serve (the market's). */
function weightOf(m: BinanceMarket, endpoint: string, limit: number): number {
  switch (endpoint) {
    case 'aggTrades': return m.weights.aggTrades;
    case 'historicalTrades': return m.weights.historicalTrades;
    case 'trades': return m.weights.trades;
    case 'klines': return m.weights.klines(limit);
    case 'exchangeInfo': return m.weights.exchangeInfo;
    default: return 1;
  }
}

export async function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const q = url.searchParams;
  const m = ctx.market;
  const endpoint = url.pathname.startsWith(`${m.restPrefix}/`) ? url.pathname.slice(m.restPrefix.length + 1) : '';
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    ctx.onRequest(url.pathname, status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const fault = ctx.takeFault();
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault && fault.status !== 200) {
    const headers: Record<string, string> = fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) };
    const msg = fault.status === 418 ? 'Way too many requests; IP banned. Please use the websocket for live updates to avoid bans.'
      : fault.status === 429 ? 'Too many requests; please use the websocket for live updates to avoid polling the API.'
        : 'Internal error; unable to process your request. Please try again.';
    reply(fault.status, { code: fault.status === 418 || fault.status === 429 ? -1003 : -1001, msg }, headers);
    return;
  }

  const limitParam = q.get('limit');
  const limit = limitParam === null ? 500 : Number.parseInt(limitParam, 10);
  const weight = ctx.weight.take(weightOf(m, endpoint, limit), Date.now());
  const used = { 'x-mbx-used-weight-1m': String(weight.used) };
  if (!weight.ok) {
    reply(429, { code: -1003, msg: 'Too many requests; current request weight limit exceeded.' },
      { ...used, 'retry-after': String(Math.ceil(weight.resetInMs / 1000)) });
    return;
  }
  const ok = (body: unknown): void => reply(200, body, used);
  const bad = (body: unknown, status = 400): void => reply(status, body, used);

  if (endpoint === 'ping') return ok({});
  if (endpoint === 'time') return ok({ serverTime: Date.now() });
  if (endpoint === 'exchangeInfo') return ok(exchangeInfo(ctx));

  const known = ['klines', 'aggTrades', 'trades', 'historicalTrades'];
  if (!known.includes(endpoint)) return bad(ERR.notFound, 404);
  const symbol = q.get('symbol');
  if (!symbol) return bad(ERR.missing('symbol'));
  if (!ctx.symbols().includes(symbol)) return bad(ERR.badSymbol);
  const maxLimit = endpoint === 'klines' ? m.limits.maxKlinesPerCall : m.limits.maxTradesPerCall;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return bad(ERR.badLimit);
  const num = (name: string): number | null => (q.get(name) === null ? null : Number.parseInt(q.get(name)!, 10));

  if (endpoint === 'klines') {
    const interval = q.get('interval');
    if (!interval) return bad(ERR.missing('interval'));
    if (!isSimInterval(interval)) return bad(ERR.badInterval);
    const rows = foldKlines(ctx.klines1m(symbol), interval);
    return ok(window(rows, (r) => r[0], num('startTime'), num('endTime'), limit));
  }
  if (endpoint === 'historicalTrades' && m.historicalTradesNeedKey && !req.headers['x-mbx-apikey']) return bad(ERR.noKey, 401);

  const kind: TradeKind = endpoint === 'aggTrades' ? 'aggTrade' : 'trade';
  // REST serves market prints only: insurance-fund and ADL fills are not in trades or aggTrades.
  const prints = ctx.prints(symbol, kind).filter((p) => p.market);
  const fromId = endpoint === 'trades' ? null : num('fromId');
  const selected = fromId !== null
    ? prints.filter((p) => p.id >= fromId).slice(0, limit)
    : window(prints, (p) => p.tradeTimeMs, num('startTime'), num('endTime'), limit);
  return ok(kind === 'aggTrade' ? selected.map(aggTradeRow) : selected.map(tradeRow));
}

/** Binance's time-window semantics: from start ascending, else the latest `limit` up to end. */
function window<T>(rows: readonly T[], timeOf: (r: T) => number, startMs: number | null, endMs: number | null, limit: number): T[] {
  const inRange = rows.filter((r) => (startMs === null || timeOf(r) >= startMs) && (endMs === null || timeOf(r) <= endMs));
  return startMs !== null ? inRange.slice(0, limit) : inRange.slice(-limit);
}

function aggTradeRow(p: SimPrint) {
  return { a: p.id, p: p.price, q: p.qty, f: p.firstTradeId, l: p.lastTradeId, T: p.tradeTimeMs, m: p.isBuyerMaker };
}

function tradeRow(p: SimPrint) {
  return {
    id: p.id, price: p.price, qty: p.qty, quoteQty: new Decimal(p.price).mul(p.qty).toFixed(),
    time: p.tradeTimeMs, isBuyerMaker: p.isBuyerMaker,
  };
}

function exchangeInfo(ctx: RestContext) {
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: ctx.weight.limit }],
    exchangeFilters: [],
    symbols: ctx.symbols().map((symbol) => {
      const baseAsset = symbol.replace(/(USDT|USDC|BTC)$/, '');
      const quoteAsset = symbol.slice(baseAsset.length);
      return ctx.market.type === 'futures'
        ? { symbol, pair: symbol, contractType: 'PERPETUAL', status: 'TRADING', baseAsset, quoteAsset, marginAsset: quoteAsset }
        : { symbol, status: 'TRADING', baseAsset, quoteAsset, isSpotTradingAllowed: true };
    }),
  };
}
