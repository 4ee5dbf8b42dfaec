import type { FastifyInstance } from 'fastify';
import { intervalMs } from '@exgate/domain';
import type { ApiDeps } from '../../deps';
import { dialectExchange } from '../common/exchange';
import { MAX_DIALECT_CANDLES, badParam, notCollected, shown } from '../common/input';
import { queryValues } from '../common/params';
import { exchangeSymbol } from '../common/symbols';
import { parseIsoMs } from '../common/time';
import { GRANULARITIES, aggregationOf, isGranularity, readInstrument } from './map';

/** Seed 002's dialect reads Coinbase INTX unless told otherwise. */
export const INTX_DEFAULT_EXCHANGE = 'coinbase-intx';
export const INTX_PREFIX = '/api/v1/instruments';

/**
 * `GET /api/v1/instruments/{instrument}/candles?granularity&start[&end][&exchange]`: exgate's
 * stored candles of [start, end] (open times; end defaults to now), newest first as Coinbase's
 * candle APIs answer, at most 10,000 (the earliest of the window).
 */
export function intxRoutes(scope: FastifyInstance, deps: ApiDeps): void {
  scope.get<{ Params: { instrument: string } }>('/:instrument/candles', async (request) => {
    const { values: q, repeated } = queryValues(request.query);
    const twice = repeated.find((k) => ['granularity', 'start', 'end', 'exchange'].includes(k));
    if (twice) throw badParam(twice, 'must be given once');
    const exchange = dialectExchange(deps, q['exchange'], INTX_DEFAULT_EXCHANGE);
    const symbol = exchangeSymbol(exchange, request.params.instrument, readInstrument);

    const granularity = q['granularity'];
    if (granularity === undefined || granularity === '') throw badParam('granularity', 'granularity is a required field');
    if (!isGranularity(granularity)) throw badParam('granularity', `${shown(granularity)} is not one of ${Object.keys(GRANULARITIES).join(', ')}`);
    const interval = GRANULARITIES[granularity];
    if (!exchange.intervals.includes(interval)) throw badParam('granularity', `${exchange.id} has no ${granularity} candles`);

    const startText = q['start'];
    if (startText === undefined || startText === '') throw badParam('start', 'start is a required field');
    const startMs = parseIsoMs(startText);
    if (startMs === undefined) throw badParam('start', `${shown(startText)} is not an ISO 8601 timestamp such as 2024-03-01T00:00:00Z`);
    const endText = q['end'];
    const endMs = endText === undefined ? deps.clock.nowMs() : parseIsoMs(endText);
    if (endMs === undefined) throw badParam('end', `${shown(endText ?? '')} is not an ISO 8601 timestamp such as 2024-03-01T00:00:00Z`);
    if (startMs > endMs) throw badParam('start', 'start is after end');

    if (!(await deps.symbols.collected(exchange.id)).includes(symbol)) throw notCollected(exchange.id, symbol);
    // The earliest candles of the window, bounded before the store is asked.
    const toMs = Math.min(endMs, startMs + MAX_DIALECT_CANDLES * (intervalMs(interval) ?? 0) - 1);
    const candles = await deps.candles.stored({ exchange: exchange.id, symbol, interval, fromMs: startMs, toMs, limit: MAX_DIALECT_CANDLES, tzOffsetMs: 0 });
    return { aggregations: candles.map(aggregationOf).reverse() };
  });
}
