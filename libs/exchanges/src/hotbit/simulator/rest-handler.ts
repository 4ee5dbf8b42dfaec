import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestFault } from '../../common/simulator/core';
import { LIMITS, restMarketName } from '../constants';
import type { HotbitMarket } from '../schemas';
import type { ViabtcKlines } from './klines';
import type { SimDeal } from './recording';

export interface RestContext {
  readonly markets: () => readonly HotbitMarket[];
  /** What REST may serve of a market's deals (printed so far, or the whole recording), oldest first. */
  readonly deals: (market: string) => readonly SimDeal[];
  readonly klines: (market: string) => ViabtcKlines;
  readonly takeFault: () => RestFault | null;
  readonly onRequest: (path: string, status: number) => void;
}

const INVALID_ARGUMENT = { code: 1, message: 'invalid argument' };

/**
 * HotBit's public REST as seed 001 documents it, served by ViaBTC's rules: `GET /v2/p1/…`,
 * markets spelled `BTC/USDT`, every answer `{"error","result","id"}` with HTTP 200 (a refused
 * argument is `{"code":1,"message":"invalid argument"}`). Injected faults answer their status
 * (with Retry-After when given) after their delay.
 */
export async function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const q = url.searchParams;
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    ctx.onRequest(url.pathname, status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const id = Math.floor(Date.now() / 1000);
  const ok = (result: unknown): void => reply(200, { error: null, result, id });
  const ok$ = (resultJson: string): void => reply(200, `{"error":null,"result":${resultJson},"id":${id}}`);
  const invalid = (): void => reply(200, { error: INVALID_ARGUMENT, result: null, id });

  const fault = ctx.takeFault();
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault && fault.status !== 200) {
    const headers: Record<string, string> = fault.retryAfterS === undefined ? {} : { 'retry-after': String(fault.retryAfterS) };
    reply(fault.status, fault.status >= 500 ? { error: { code: 3, message: 'service unavailable' }, result: null, id } : 'Too Many Requests', headers);
    return;
  }

  switch (url.pathname) {
    case '/v2/p1/server.time':
      return ok(Math.floor(Date.now() / 1000));
    case '/v2/p1/market.list':
      return ok(ctx.markets());
    case '/v2/p1/market.deals': {
      const market = marketOf(ctx, q.get('market'));
      const limit = int(q.get('limit'));
      const lastId = int(q.get('last_id'));
      if (!market || limit === null || limit <= 0 || limit > LIMITS.maxDealsPerCall || lastId === null) return invalid();
      // ViaBTC keeps the newest 10,000 and walks them newest first until last_id or limit.
      const kept = ctx.deals(market.name).slice(-LIMITS.dealsKept);
      const rows: string[] = [];
      for (let i = kept.length - 1; i >= 0 && rows.length < limit && kept[i]!.id > lastId; i--) rows.push(restRow(kept[i]!));
      return ok$(`[${rows.join(',')}]`);
    }
    case '/v2/p1/market.kline': {
      const market = marketOf(ctx, q.get('market'));
      const [start, end, interval] = [int(q.get('start_time')), int(q.get('end_time')), int(q.get('interval'))];
      if (!market || start === null || end === null || interval === null) return invalid();
      const rows = ctx.klines(market.name).query(start, end, interval);
      return rows ? ok(rows) : invalid();
    }
    default:
      return reply(404, { error: { code: 4, message: 'method not found' }, result: null, id });
  }
}

/** `BTC/USDT` → the market; null when it is not listed in that spelling. */
function marketOf(ctx: RestContext, name: string | null): HotbitMarket | null {
  if (name === null) return null;
  return ctx.markets().find((m) => restMarketName(m.stock, m.money) === name) ?? null;
}

function int(value: string | null): number | null {
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/** Seed 001's `market.deals` example carries whole seconds (`"time": 1607310479`). */
function restRow(d: SimDeal): string {
  return `{"id":${d.id},"time":${Math.floor(d.micros / 1_000_000)},"price":${JSON.stringify(d.price)},"amount":${JSON.stringify(d.amount)},"type":"${d.type}"}`;
}
