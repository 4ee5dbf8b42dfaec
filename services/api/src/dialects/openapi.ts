import { z } from 'zod';
import { binanceAggTrades, binanceAggTradesQuery, binanceError, binanceExchangeInfo, binanceExchangeInfoQuery, binanceKlines, binanceKlinesQuery, binancePing, binanceStreamQuery, binanceTime, binanceTrades, binanceTradesQuery } from './binance/schemas';
import { SPOT, USDM } from './binance/flavours';
import { candlesApiError, candlesApiQuery, candlesApiResponse } from './candles-api/schemas';
import { hotbitError, hotbitQueries, hotbitResponses, hotbitWsQuery } from './hotbit/schemas';
import { intxError, intxParams, intxQuery, intxResponse } from './intx/schemas';

/** One dialect route as the OpenAPI document shows it (openapi.ts renders these). */
export interface DialectOperation {
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly response: z.ZodType;
  readonly error: z.ZodType;
  /** A websocket: the 200 is the upgrade (101), and the description says what flows. */
  readonly websocket?: string;
}

export const DIALECT_TAGS = [
  { name: 'INTX candles (seed 002)', description: "Coinbase International Exchange's candles route; default exchange coinbase-intx." },
  { name: 'Candles API (seed 003)', description: 'The TimescaleDB candles service of seed 003; default exchange binance-usdm.' },
  { name: 'Binance USDⓈ-M', description: "Binance futures' market data (/fapi/v1, /fstream); default exchange binance-usdm." },
  { name: 'Binance spot', description: "Binance spot's market data (/api/v3, /stream); default exchange binance-spot (alias binance)." },
  { name: 'HotBit (seed 001)', description: "HotBit's public market data (/v2/p1/) and websocket (/v2/); default exchange hotbit." },
];

const BINANCE_WS = 'Binance market streams: <symbol>@kline_<interval> (forming updates at most every 250 ms, x:true on close), <symbol>@aggTrade, <symbol>@trade; '
  + 'send {"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS"|"SET_PROPERTY"|"GET_PROPERTY","params":[…],"id":n} (exgate: an optional "exchange" field on SUBSCRIBE).';

function binanceOps(flavour: typeof USDM, tag: string, stream: string): DialectOperation[] {
  const f = flavour.defaultExchange;
  const op = (route: string, summary: string, response: z.ZodType, query?: z.ZodObject): DialectOperation => ({
    path: `${flavour.base}/${route}`, tag, summary, response, error: binanceError, ...(query ? { query } : {}),
  });
  return [
    op('klines', "Klines from exgate's stored candles (Binance's 12-column rows).", binanceKlines, binanceKlinesQuery(f, flavour.klinesMaxLimit, flavour.spot)),
    op('aggTrades', 'Aggregate trades from exgate\'s stored prints (a raw trade is its own aggregate).', binanceAggTrades, binanceAggTradesQuery(f)),
    op('trades', 'The newest raw trades (only where exgate collects raw trades).', binanceTrades, binanceTradesQuery(f)),
    op('exchangeInfo', 'The symbols exgate collects on the exchange.', binanceExchangeInfo, binanceExchangeInfoQuery(f)),
    op('time', 'Server time.', binanceTime),
    op('ping', 'Connectivity.', binancePing),
    { path: `${stream}/ws/{streams}`, tag, summary: 'Raw stream connection.', params: z.object({ streams: z.string().meta({ description: 'Stream names separated by /; other names are ignored.' }) }), query: binanceStreamQuery(f), response: z.unknown(), error: binanceError, websocket: BINANCE_WS },
    { path: `${stream}/stream`, tag, summary: 'Combined stream connection: {stream, data} frames.', query: binanceStreamQuery(f), response: z.unknown(), error: binanceError, websocket: BINANCE_WS },
  ];
}

export const DIALECT_OPERATIONS: readonly DialectOperation[] = [
  { path: '/api/v1/instruments/{instrument}/candles', tag: DIALECT_TAGS[0]!.name, summary: "Aggregated candles from exgate's stored candles, newest first (at most 10,000).", params: intxParams, query: intxQuery, response: intxResponse, error: intxError },
  { path: '/api/v1/candles', tag: DIALECT_TAGS[1]!.name, summary: "Candles from exgate's stored candles, ascending; prices and volume are JSON numbers with the exact digits.", query: candlesApiQuery, response: candlesApiResponse, error: candlesApiError },
  ...binanceOps(USDM, DIALECT_TAGS[2]!.name, '/fstream'),
  ...binanceOps(SPOT, DIALECT_TAGS[3]!.name, '/stream'),
  ...Object.entries(hotbitQueries).map(([method, query]) => ({
    path: `/v2/p1/${method}`, tag: DIALECT_TAGS[4]!.name, summary: `HotBit's ${method}.`, query, response: hotbitResponses[method as keyof typeof hotbitQueries], error: hotbitError,
  })),
  {
    path: '/v2', tag: DIALECT_TAGS[4]!.name, summary: "HotBit's JSON-RPC websocket.", query: hotbitWsQuery, response: z.unknown(), error: hotbitError,
    websocket: 'JSON-RPC {method, params, id}: server.ping, server.time, kline.query/subscribe/unsubscribe (kline.update), deals.query/subscribe/unsubscribe (deals.update), price.*, state.*, today.*. Server frames are gzip-compressed binary unless ?compress=false.',
  },
];
