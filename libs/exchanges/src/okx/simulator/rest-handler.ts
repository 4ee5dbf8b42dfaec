import type { IncomingMessage, ServerResponse } from 'node:http';
import Decimal from 'decimal.js';
import { closeTimeMs, openTimeMs, type IntervalId } from '@exgate/domain';
import type { RestFault } from '../../common/simulator/core';
import { scaleOf } from '../../common/decimal';
import { BAR_CODES, isSwap, LIMITS, OKX_CANDLES } from '../constants';
import { countsInCandles } from '../mapper';
import type { OkxSimPrint } from './recording';

/** An OKX answer in an HTTP 200 with a non-zero code (`{"code":"50011","msg":"Too Many Requests"}`). */
export interface CodeFault {
  readonly code: string;
  readonly msg: string;
}

export interface OkxSimInstrument {
  readonly instId: string;
  readonly listTimeMs: number;
  /** Swaps: base per contract. */
  readonly ctVal?: string;
}

export interface OkxRestContext {
  readonly instruments: () => readonly OkxSimInstrument[];
  /** What REST serves of an instrument's current listing (printed so far, or all). */
  readonly prints: (instId: string) => readonly OkxSimPrint[];
  readonly takeFault: () => RestFault | null;
  readonly takeCodeFault: () => CodeFault | null;
  readonly history: RequestWindow;
  readonly onRequest: (path: string, query: Readonly<Record<string, string>>, status: number, code: string | null) => void;
}

/** OKX's per-IP limit of an endpoint: requests in a rolling window; past it, HTTP 429 and code 50011. */
export class RequestWindow {
  private readonly atMs: number[] = [];
  constructor(readonly limit: number, readonly windowMs: number) {}

  admit(nowMs: number): boolean {
    while (this.atMs.length > 0 && this.atMs[0]! <= nowMs - this.windowMs) this.atMs.shift();
    if (this.atMs.length >= this.limit) return false;
    this.atMs.push(nowMs);
    return true;
  }
}

const BY_BAR: Readonly<Record<string, IntervalId>> = Object.fromEntries(Object.entries(BAR_CODES).map(([i, b]) => [b, i as IntervalId]));

export async function handleOkxRest(req: IncomingMessage, res: ServerResponse, ctx: OkxRestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const q = url.searchParams;
  const send = (status: number, body: unknown, code: string | null): void => {
    ctx.onRequest(url.pathname, Object.fromEntries(q), status, code);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const answer = (code: string, msg: string, data: unknown, status = 200): void => send(status, { code, msg, data }, code);
  const ok = (data: unknown): void => answer('0', '', data);

  const fault = ctx.takeFault();
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault && fault.status !== 200) {
    ctx.onRequest(url.pathname, Object.fromEntries(q), fault.status, null);
    res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) }) });
    res.end(JSON.stringify({ code: fault.status === 429 ? '50011' : '50001', msg: fault.status === 429 ? 'Too Many Requests' : 'Service temporarily unavailable', data: [] }));
    return;
  }
  const coded = ctx.takeCodeFault();
  if (coded) return answer(coded.code, coded.msg, []);
  if (url.pathname.startsWith('/api/v5/market/history-') && !ctx.history.admit(Date.now())) return answer('50011', 'Too Many Requests', [], 429);

  if (url.pathname === '/api/v5/public/instruments') {
    const type = q.get('instType');
    if (type !== 'SPOT' && type !== 'SWAP') return answer('51000', 'Parameter instType error', []);
    return ok(ctx.instruments().filter((i) => isSwap(i.instId) === (type === 'SWAP')).map((i) => instrument(i)));
  }
  const known = ['/api/v5/market/trades', '/api/v5/market/history-trades', '/api/v5/market/candles', '/api/v5/market/history-candles'];
  if (!known.includes(url.pathname)) return send(404, { msg: 'Not Found', code: '404' }, null);
  const instId = q.get('instId');
  if (!instId) return answer('50014', 'Parameter instId can not be empty', []);
  const inst = ctx.instruments().find((i) => i.instId === instId);
  if (!inst) return answer('51001', 'Instrument ID does not exist', []);
  const prints = ctx.prints(instId);
  const int = (name: string): number | null | 'bad' => {
    const v = q.get(name);
    if (v === null || v === '') return null;
    return /^\d+$/.test(v) ? Number(v) : 'bad';
  };
  const after = int('after');
  const before = int('before');
  if (after === 'bad' || before === 'bad') return answer('51000', 'Parameter after/before error', []);

  if (url.pathname === '/api/v5/market/trades') {
    const limit = int('limit') ?? 100;
    if (limit === 'bad' || limit < 1 || limit > LIMITS.recentTradesPerCall) return answer('51000', 'Parameter limit error', []);
    return ok(prints.slice(-limit).reverse().map(tradeRow));
  }

  if (url.pathname === '/api/v5/market/history-trades') {
    const limit = int('limit') ?? 100;
    if (limit === 'bad' || limit < 1 || limit > LIMITS.historyTradesPerCall) return answer('51000', 'Parameter limit error', []);
    const type = q.get('type') ?? '1';
    if (type !== '1' && type !== '2') return answer('51000', 'Parameter type error', []);
    // type 1 pages by tradeId, type 2 by time; `after` older than, `before` newer than. Newest first.
    const key = (p: OkxSimPrint) => (type === '1' ? Number(p.tradeId) : Number(p.ts));
    const rows = prints.filter((p) => (after === null || key(p) < after) && (before === null || key(p) > before));
    // With only `before`, OKX answers the records just above it.
    const page = after === null && before !== null ? rows.slice(0, limit) : rows.slice(-limit);
    return ok(page.reverse().map(tradeRow));
  }

  const interval = BY_BAR[q.get('bar') ?? '1m'];
  if (!interval) return answer('51000', 'Parameter bar error', []);
  const limit = int('limit') ?? 100;
  if (limit === 'bad' || limit < 1 || limit > LIMITS.candlesPerCall) return answer('51000', 'Parameter limit error', []);
  const rows = candleRows(prints, interval, inst.ctVal, Date.now())
    .filter((r) => (after === null || r.openTimeMs < after) && (before === null || r.openTimeMs > before));
  return ok(rows.slice(-limit).reverse().map((r) => r.row));
}

function tradeRow(p: OkxSimPrint) {
  return { instId: p.symbol, side: p.side, sz: p.sz, px: p.px, ...(p.source ? { source: p.source } : {}), tradeId: p.tradeId, ts: p.ts };
}

function instrument(i: OkxSimInstrument) {
  const [base = '', quote = ''] = i.instId.split('-');
  return isSwap(i.instId)
    ? { instId: i.instId, instType: 'SWAP', state: 'live', uly: `${base}-${quote}`, settleCcy: quote, ctVal: i.ctVal ?? '1', ctValCcy: base, ctType: 'linear', listTime: String(i.listTimeMs), tickSz: '0.1', lotSz: '0.01' }
    : { instId: i.instId, instType: 'SPOT', state: 'live', baseCcy: base, quoteCcy: quote, listTime: String(i.listTimeMs), tickSz: '0.01', lotSz: '0.00000001' };
}

export interface SimCandle {
  readonly openTimeMs: number;
  readonly row: readonly string[];
}

/**
 * The simulated exchange's candles, ascending, from the fills it printed, by OKX's rules as the
 * archive shows them (shared/exchanges.md §4.3): bars of 6h and longer on UTC+8, opened by their
 * first fill; `vol` Σsz (contracts for swaps), `volCcy` base for swaps and quote for spot,
 * `volCcyQuote` Σ px × sz × ctVal; `confirm` 1 once the bar has closed. Empty bars left out.
 */
export function candleRows(prints: readonly OkxSimPrint[], interval: IntervalId, ctVal: string | undefined, nowMs: number): SimCandle[] {
  const tz = OKX_CANDLES.tzOffsetMs;
  const counted = prints.filter((p) => countsInCandles(p.source));
  const per = new Decimal(ctVal ?? '1');
  const out: SimCandle[] = [];
  let i = 0;
  while (i < counted.length) {
    const open = openTimeMs(interval, counted[i]!.eventTimeMs, tz);
    const bucket: OkxSimPrint[] = [];
    for (; i < counted.length && openTimeMs(interval, counted[i]!.eventTimeMs, tz) === open; i++) bucket.push(counted[i]!);
    let high = new Decimal(bucket[0]!.px);
    let low = high;
    let vol = new Decimal(0);
    let quote = new Decimal(0);
    for (const p of bucket) {
      const px = new Decimal(p.px);
      if (px.gt(high)) high = px;
      if (px.lt(low)) low = px;
      vol = vol.plus(p.sz);
      quote = quote.plus(px.mul(p.sz));
    }
    const volCcyQuote = quote.mul(per).toFixed();
    const volCcy = ctVal === undefined ? volCcyQuote : vol.mul(per).toFixed();
    const priceScale = Math.max(...bucket.map((p) => scaleOf(p.px)));
    const confirm = closeTimeMs(interval, open, tz) < nowMs ? '1' : '0';
    out.push({
      openTimeMs: open,
      row: [String(open), bucket[0]!.px, high.toFixed(priceScale), low.toFixed(priceScale), bucket[bucket.length - 1]!.px, vol.toFixed(), volCcy, volCcyQuote, confirm],
    });
  }
  return out;
}
