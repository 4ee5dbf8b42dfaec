import type { FastifyInstance } from 'fastify';
import { intervalMs, openTimeMs } from '@exgate/domain';
import type { ApiDeps } from '../../deps';
import { dialectExchange } from '../common/exchange';
import { MAX_DIALECT_CANDLES, badParam, shown } from '../common/input';
import { writeJson } from '../common/json';
import { plainInteger, queryValues } from '../common/params';
import { exchangeSymbol } from '../common/symbols';
import { parseIsoMs } from '../common/time';
import { MISSING_PARAMS } from './errors';
import { defaultFromMs, isCandlesApiInterval, readDbSymbol, rowOf } from './map';

/**
 * Seed 003 names BTCUSDT "the Bitcoin perpetual": its symbols are Binance USDⓈ-M's spelling, so
 * the dialect reads that exchange unless told otherwise (docs/adr/0010).
 */
export const CANDLES_API_DEFAULT_EXCHANGE = 'binance-usdm';
export const CANDLES_API_PREFIX = '/api/v1/candles';

/** `from`/`to`: ISO-8601 or milliseconds since the epoch. */
function timeParam(field: 'from' | 'to', text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = plainInteger(text) ?? parseIsoMs(text);
  if (ms === undefined) throw badParam(field, `${field} ${shown(text)} is neither an ISO-8601 time nor milliseconds since the epoch`);
  return ms;
}

/**
 * `GET /api/v1/candles?symbol&interval[&from][&to][&exchange]`: exgate's stored candles from the
 * bucket holding `from` to `to` (default: the seed's range per interval, ending now), ascending.
 * Prices and volume are JSON numbers written with the exact decimal digits.
 */
export function candlesApiRoutes(scope: FastifyInstance, deps: ApiDeps): void {
  scope.get('/', async (request, reply) => {
    const { values: q, repeated } = queryValues(request.query);
    const twice = repeated.find((k) => ['symbol', 'interval', 'from', 'to', 'exchange'].includes(k));
    if (twice) throw badParam(twice, `${twice} must be given once`);
    const rawSymbol = q['symbol'];
    const rawInterval = q['interval'];
    if (!rawSymbol || !rawInterval) throw badParam('request', MISSING_PARAMS);
    if (!isCandlesApiInterval(rawInterval)) throw badParam('interval', `interval ${shown(rawInterval)} is not allowed`);
    const exchange = dialectExchange(deps, q['exchange'], CANDLES_API_DEFAULT_EXCHANGE);
    const symbol = exchangeSymbol(exchange, rawSymbol, readDbSymbol);

    const toMs = timeParam('to', q['to']) ?? deps.clock.nowMs();
    const fromMs = timeParam('from', q['from']) ?? defaultFromMs(rawInterval, toMs);
    if (fromMs > toMs) throw badParam('from', 'from is after to');
    const firstOpen = openTimeMs(rawInterval, fromMs);
    const buckets = Math.floor((toMs - firstOpen) / (intervalMs(rawInterval) ?? 1)) + 1;
    if (buckets > MAX_DIALECT_CANDLES) throw badParam('range', `from..to holds ${buckets} ${rawInterval} candles; at most ${MAX_DIALECT_CANDLES} per request`);

    const candles = await deps.candles.stored({
      exchange: exchange.id, symbol, interval: rawInterval, fromMs: firstOpen, toMs, limit: MAX_DIALECT_CANDLES, tzOffsetMs: 0,
    });
    const body = {
      symbol: rawSymbol,
      dbSymbol: symbol,
      interval: rawInterval,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      count: candles.length,
      data: candles.map(rowOf),
    };
    return reply.type('application/json; charset=utf-8').send(writeJson(body));
  });
}
