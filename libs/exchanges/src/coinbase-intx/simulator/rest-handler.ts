import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestFault } from '../../common/simulator/core';
import { isoMs } from '../mapper';
import { aggregations } from './candles';
import type { IntxSimPrint } from './recording';

export interface IntxRestContext {
  readonly listed: () => readonly string[];
  /** What REST may serve of an instrument's matches (printed so far, or all). */
  readonly prints: (product: string) => readonly IntxSimPrint[];
  readonly takeFault: () => RestFault | null;
  readonly onRequest: (path: string, query: Readonly<Record<string, string>>, status: number) => void;
}

const CANDLES = /^\/api\/v1\/instruments\/([^/]+)\/candles$/;

/**
 * INTX's public REST as the adapter calls it: `GET /api/v1/instruments` and seed 002's
 * `GET /api/v1/instruments/{instrument}/candles?granularity&start[&end]` (newest first, as the
 * dialect serves it); errors as `{"title","status"}` bodies.
 */
export async function handleIntxRest(req: IncomingMessage, res: ServerResponse, ctx: IntxRestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const q = url.searchParams;
  const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    ctx.onRequest(url.pathname, Object.fromEntries(q), status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (status: number, title: string): void => send(status, { title, status });
  const fault = ctx.takeFault();
  if (fault) {
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    return send(fault.status, { title: fault.status === 429 ? 'Server allows 100 requests per second' : 'simulated failure', status: fault.status },
      fault.retryAfterS !== undefined ? { 'retry-after': String(fault.retryAfterS) } : {});
  }
  if (req.method !== 'GET') return fail(405, 'method not allowed');
  if (url.pathname === '/api/v1/instruments') {
    return send(200, ctx.listed().map((symbol) => ({
      symbol, type: symbol.endsWith('-PERP') ? 'PERP' : 'SPOT', base_asset_name: symbol.split('-')[0], quote_asset_name: 'USDC', trading_state: 'TRADING',
    })));
  }
  const m = CANDLES.exec(url.pathname);
  if (!m) return fail(404, 'not found');
  const product = decodeURIComponent(m[1]!);
  if (!ctx.listed().includes(product)) return fail(404, `instrument ${product.slice(0, 40)} not found`);
  const startText = q.get('start');
  const startMs = startText === null ? null : isoMs(startText);
  if (startMs === null) return fail(400, 'start is required, ISO 8601');
  const endText = q.get('end');
  const endMs = endText === null ? Number.POSITIVE_INFINITY : isoMs(endText);
  if (endMs === null) return fail(400, 'end must be ISO 8601');
  const rows = aggregations(ctx.prints(product), q.get('granularity') ?? '');
  if (rows === null) return fail(400, `granularity ${String(q.get('granularity')).slice(0, 20)} is not one of ONE_DAY … ONE_MINUTE`);
  const inWindow = rows.filter((r) => {
    const at = isoMs(r.start)!;
    return at >= startMs && at <= endMs;
  });
  return send(200, { aggregations: inWindow.reverse() });
}
