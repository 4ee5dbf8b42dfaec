import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps';
import { dialectExchange } from '../common/exchange';
import { badParam } from '../common/input';
import { queryValues } from '../common/params';
import { HOTBIT_DEFAULT_EXCHANGE, HotbitData, integerArg } from './data';
import { tickerName } from './map';

const MAX_TIME_S = 253_402_300_799;

/** One request's query, HotBit's way: single values, `exchange=` picks what to read. */
function read(deps: ApiDeps, request: FastifyRequest): { q: Readonly<Record<string, string>>; data: HotbitData } {
  const { values, repeated } = queryValues(request.query);
  if (repeated.length > 0) throw badParam(repeated[0]!, `${repeated[0]} must be given once`);
  return { q: values, data: new HotbitData(deps, dialectExchange(deps, values['exchange'], HOTBIT_DEFAULT_EXCHANGE)) };
}

const ok = (result: unknown) => ({ error: null, result, id: 0 });

/** HotBit's public REST market data (the scope sits at /v2/p1), in the `{error, result, id}` envelope, times in seconds. */
export function hotbitRestRoutes(scope: FastifyInstance, deps: ApiDeps): void {
  scope.get('/server.time', async () => ok(Math.floor(deps.clock.nowMs() / 1000)));

  scope.get('/market.list', async (request) => {
    const { data } = read(deps, request);
    return ok((await data.markets()).map((m) => {
      const [stock, money] = tickerName(data.exchange, m.symbol).split('_');
      return { name: m.name, stock: stock ?? m.name, money: money ?? '', fee_prec: 4, stock_prec: 8, money_prec: 8, min_amount: '0' };
    }));
  });

  scope.get('/market.last', async (request) => {
    const { q, data } = read(deps, request);
    return ok(await data.last(await data.market(q['market'])));
  });

  scope.get('/market.deals', async (request) => {
    const { q, data } = read(deps, request);
    const limit = q['limit'] === undefined ? 100 : integerArg('limit', q['limit'], 1, 1000);
    const lastId = q['last_id'] === undefined ? 0 : integerArg('last_id', q['last_id'], 0, Number.MAX_SAFE_INTEGER);
    return ok(await data.deals(await data.market(q['market']), limit, lastId, false));
  });

  scope.get('/market.kline', async (request) => {
    const { q, data } = read(deps, request);
    const interval = data.interval(q['interval']);
    const start = integerArg('start_time', q['start_time'], 0, MAX_TIME_S);
    const end = integerArg('end_time', q['end_time'], 0, MAX_TIME_S);
    return ok(await data.klines(await data.market(q['market']), start, end, interval));
  });

  scope.get('/market.status', async (request) => {
    const { q, data } = read(deps, request);
    const period = integerArg('period', q['period'], 1, 10 * 365 * 86_400);
    return ok(await data.status(await data.market(q['market']), period));
  });

  scope.get('/market.status_today', async (request) => {
    const { q, data } = read(deps, request);
    return ok(await data.today(await data.market(q['market'])));
  });

  // With `market`, that market's last 24 hours; without, every market's, by name.
  scope.get('/market.status24h', async (request) => {
    const { q, data } = read(deps, request);
    if (q['market'] !== undefined) return ok(await data.status(await data.market(q['market']), 86_400));
    const all = await data.markets();
    return ok(Object.fromEntries(await Promise.all(all.map(async (m) => [m.name, await data.status(m, 86_400)] as const))));
  });

  // exgate collects no order book: the book side of the summary is empty.
  scope.get('/market.summary', async (request) => {
    const { q, data } = read(deps, request);
    const wanted = q['markets'] === undefined ? [] : marketsArg(q['markets']);
    const markets = wanted.length === 0 ? await data.markets() : await Promise.all(wanted.map((m) => data.market(m)));
    return ok(markets.map((m) => ({ name: m.name, ask_count: 0, ask_amount: '0', bid_count: 0, bid_amount: '0' })));
  });

  // As the seed shows it: no envelope. Best bid and ask are unknown to exgate: "0".
  scope.get('/allticker', async (request) => {
    const { data } = read(deps, request);
    const ticker = await Promise.all((await data.markets()).map(async (m) => {
      const s = await data.status(m, 86_400);
      return { symbol: tickerName(data.exchange, m.symbol), buy: '0', sell: '0', open: s.open, close: s.close, high: s.high, low: s.low, last: s.last, vol: s.volume };
    }));
    return { date: Math.floor(deps.clock.nowMs() / 1000), ticker };
  });
}

/** `markets=["BTCUSDT","ETHBTC"]`: a JSON array of names. */
function marketsArg(text: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.length > 100 || !list.every((m) => typeof m === 'string')) throw badParam('markets', 'markets must be a JSON array of market names');
  return list as string[];
}
