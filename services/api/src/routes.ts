import type { z } from 'zod';
import * as s from './schemas';

/**
 * The eight routes of the contract (shared/seeds/000), exactly as grpc-gateway exposes them.
 * app.ts registers them, openapi.ts documents them, a test holds them equal to the proto's.
 */
export interface RouteSpec {
  /** The rpc name in proto/exgate/v1/kline.proto. */
  readonly rpc: RpcName;
  /** grpc-gateway path template, `{param}` style. */
  readonly path: string;
  /** Control routes change state: they take the bearer token when one is configured. */
  readonly control: boolean;
  readonly summary: string;
  readonly params: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly response: z.ZodType;
}

export type RpcName =
  | 'PullAggtrade'
  | 'StopPullAggtrade'
  | 'AggTradeScannerKLine'
  | 'AggTradeScannerAllKLine'
  | 'GetKlineByExgate'
  | 'GenKline'
  | 'GetKline'
  | 'GetTradeRecent';

export const ROUTES: readonly RouteSpec[] = [
  {
    rpc: 'PullAggtrade',
    path: '/v1/{exchange}/aggtrade/pull/{symbol}/{interval}',
    control: true,
    summary: "Start pulling the symbol's trades over the exchange's websocket (persistent, idempotent).",
    params: s.symbolParams,
    response: s.pullResponse,
  },
  {
    rpc: 'StopPullAggtrade',
    path: '/v1/{exchange}/aggtrade/stop/{symbol}/{interval}',
    control: true,
    summary: 'Stop pulling the symbol; stopping one that is not pulled is FAILED_PRECONDITION.',
    params: s.symbolParams,
    response: s.stopResponse,
  },
  {
    rpc: 'AggTradeScannerKLine',
    path: '/v1/{exchange}/aggtrade/scanner/kline/{symbol}/{interval}',
    control: true,
    summary: "Regenerate the symbol's candles of that interval from stored trades (idempotent).",
    params: s.symbolParams,
    response: s.scannerResponse,
  },
  {
    rpc: 'AggTradeScannerAllKLine',
    path: '/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}',
    control: true,
    summary: "Register a persistent schedule closing the candles of every live symbol of the exchange.",
    params: s.scheduleParams,
    response: s.scannerResponse,
  },
  {
    rpc: 'GetKlineByExgate',
    path: '/v1/{exchange}/exgate/kline/{symbol}/{interval}/{startTime}/{endTime}',
    control: false,
    summary: "Candles from exgate's store whose open time is in [startTime, endTime], the first `limit`.",
    params: s.storedKlineParams,
    query: s.storedKlineQuery,
    response: s.klineResponse,
  },
  {
    rpc: 'GenKline',
    path: '/v1/{exchange}/genkline/{symbol}/{interval}',
    control: false,
    summary: 'Candles computed now from stored trades; without times, the last `limit` up to now.',
    params: s.symbolParams,
    query: s.rangeKlineQuery,
    response: s.klineResponse,
  },
  {
    rpc: 'GetKline',
    path: '/v1/{exchange}/kline/{symbol}/{interval}',
    control: false,
    summary: "The exchange's own klines through its REST API, normalised (by proxy).",
    params: s.symbolParams,
    query: s.rangeKlineQuery,
    response: s.klineResponse,
  },
  {
    rpc: 'GetTradeRecent',
    path: '/v1/{exchange}/recent/{symbol}',
    control: false,
    summary: 'The most recent trades, oldest first.',
    params: s.recentParams,
    query: s.recentQuery,
    response: s.recentResponse,
  },
];

/** `/v1/{exchange}/x` → `/v1/:exchange/x` (fastify's syntax). */
export function fastifyPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}
