import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Trade } from '@exgate/domain';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { ApiDeps } from '../../deps';
import { candleWindow, effectiveTzOffsetMs } from '../../window';
import { dialectExchange } from '../common/exchange';
import { dialectError } from '../common/input';
import { exchangeSymbol } from '../common/symbols';
import { BINANCE } from './errors';
import type { BinanceFlavour, BinanceRoute } from './flavours';
import { aggTradeRow, futuresSymbolInfo, klineRow, spotSymbolInfo, tradeRow } from './map';
import { BinanceParams } from './params';
import { WeightMeter } from './weight';

const HOUR_MS = 3_600_000;

export interface BinanceTarget {
  readonly exchange: ExchangeInfo;
  readonly symbol: string;
}

/** The exchange and symbol a Binance request names (no I/O: checked before anything is read). */
export function binanceTarget(deps: ApiDeps, flavour: BinanceFlavour, exchangeName: string | undefined, rawSymbol: string): BinanceTarget {
  const exchange = dialectExchange(deps, exchangeName, flavour.defaultExchange);
  return { exchange, symbol: exchangeSymbol(exchange, rawSymbol, (upper) => flavour.spelling.read(upper)) };
}

/** -1121 unless exgate collects the symbol on that exchange. */
export async function collected(deps: ApiDeps, t: BinanceTarget): Promise<BinanceTarget> {
  if (!(await deps.symbols.collected(t.exchange.id)).includes(t.symbol)) {
    throw dialectError(BINANCE.BAD_SYMBOL, `Invalid symbol. (exgate does not collect ${t.symbol} on ${t.exchange.id})`, 'symbol');
  }
  return t;
}

/** An exchange's symbol as Binance writes it (BTC-USDT-SWAP → BTCUSDT). */
export function binanceName(flavour: BinanceFlavour, exchange: ExchangeInfo, symbol: string): string {
  const m = exchange.spelling.read(symbol);
  return m ? flavour.spelling.write(m) : symbol;
}

/** Binance leaves insurance-fund and ADL prints out of its trade lists: so does its dialect. */
const marketPrints = (trades: readonly Trade[]) => trades.filter((t) => t.market);

/** `/ping`, `/time`, `/exchangeInfo`, `/klines`, `/aggTrades`, `/trades` of one flavour, in Binance's shapes. */
export function binanceRestRoutes(scope: FastifyInstance, deps: ApiDeps, flavour: BinanceFlavour): void {
  const meter = new WeightMeter(deps.clock);
  const weights = new WeakMap<FastifyRequest, number>();
  const weigh = (request: FastifyRequest, route: BinanceRoute, limit = 0) => weights.set(request, flavour.weight(route, limit));
  scope.addHook('onSend', async (request, reply) => {
    const used = String(meter.add(request.ip, weights.get(request) ?? 1));
    reply.header('x-mbx-used-weight', used).header('x-mbx-used-weight-1m', used);
  });

  scope.get('/ping', async (request) => {
    weigh(request, 'ping');
    return {};
  });
  scope.get('/time', async (request) => {
    weigh(request, 'time');
    return { serverTime: deps.clock.nowMs() };
  });

  scope.get('/exchangeInfo', async (request) => {
    weigh(request, 'exchangeInfo');
    const p = new BinanceParams(request.query);
    const serverTime = deps.clock.nowMs();
    const rateLimits = [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: flavour.weightPerMinute },
    ];
    const head = { timezone: 'UTC', serverTime, rateLimits, exchangeFilters: [] };
    if (flavour.name === 'coinm') return { ...head, symbols: [] };
    const exchange = dialectExchange(deps, p.optional('exchange'), flavour.defaultExchange);
    const listed = await deps.symbols.collected(exchange.id);
    const wanted = wantedSymbols(p);
    const names = wanted === undefined ? listed : await Promise.all(wanted.map(async (s) => (await collected(deps, binanceTarget(deps, flavour, exchange.id, s))).symbol));
    const info = flavour.spot ? spotSymbolInfo : futuresSymbolInfo;
    const symbols = names.map((s) => ({ ...info(exchange, s), symbol: binanceName(flavour, exchange, s) }));
    return flavour.spot ? { ...head, symbols } : { ...head, futuresType: 'U_MARGINED', assets: [], symbols };
  });
  // COIN-M: exgate collects no coin-margined contract, so there is nothing more to read there.
  if (flavour.name === 'coinm') return;

  scope.get('/klines', async (request) => {
    const p = new BinanceParams(request.query);
    const rawSymbol = p.symbol();
    const limit = p.limit(500, flavour.klinesMaxLimit);
    weigh(request, 'klines', limit);
    const { exchange, symbol } = binanceTarget(deps, flavour, p.optional('exchange'), rawSymbol);
    const interval = p.interval(exchange.intervals);
    const startTime = p.time('startTime');
    const endTime = p.time('endTime');
    if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
      throw dialectError(BINANCE.INVALID_PARAMETER, "Data sent for parameter 'startTime' is not valid. (it is after endTime)", 'startTime');
    }
    const timeZone = flavour.spot ? p.optional('timeZone') : undefined;
    const tzOffsetMs = timeZone === undefined ? 0 : effectiveTzOffsetMs(interval, timeZone);
    if (tzOffsetMs === undefined) throw dialectError(BINANCE.INVALID_PARAMETER, "Data sent for parameter 'timeZone' is not valid. (-12:00 to +14:00)", 'timeZone');
    await collected(deps, { exchange, symbol });
    const window = candleWindow(interval, limit, startTime, endTime, deps.clock.nowMs());
    const candles = await deps.candles.stored({ exchange: exchange.id, symbol, interval, ...window, limit, tzOffsetMs });
    return candles.map(klineRow);
  });

  scope.get('/aggTrades', async (request) => {
    weigh(request, 'aggTrades');
    const p = new BinanceParams(request.query);
    const rawSymbol = p.symbol();
    const limit = p.limit(500, 1000);
    const fromId = p.integer('fromId');
    const startTime = p.time('startTime');
    const endTime = p.time('endTime');
    if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) {
      throw dialectError(BINANCE.OPTIONAL_PARAMS_BAD_COMBO, 'Combination of optional parameters invalid. (fromId with startTime/endTime)');
    }
    if (startTime !== undefined && endTime !== undefined && (endTime < startTime || endTime - startTime > HOUR_MS)) {
      throw dialectError(BINANCE.INVALID_TIME_INTERVAL, 'More than 1 hours between startTime and endTime.');
    }
    const { exchange, symbol } = await collected(deps, binanceTarget(deps, flavour, p.optional('exchange'), rawSymbol));
    const base = { exchange: exchange.id, symbol, limit };
    const trades =
      fromId !== undefined ? await deps.trades.range({ ...base, fromId })
      : startTime !== undefined || endTime !== undefined
        ? await deps.trades.range({ ...base, fromMs: startTime ?? Math.max(0, endTime! - HOUR_MS), toMs: endTime ?? startTime! + HOUR_MS })
        : await deps.trades.recent(exchange.id, symbol, limit);
    return marketPrints(trades).map((t) => aggTradeRow(t, flavour.spot));
  });

  scope.get('/trades', async (request) => {
    weigh(request, 'trades');
    const p = new BinanceParams(request.query);
    const rawSymbol = p.symbol();
    const limit = p.limit(500, 1000);
    const { exchange, symbol } = binanceTarget(deps, flavour, p.optional('exchange'), rawSymbol);
    if (exchange.tradeKind !== 'trade') {
      throw dialectError(BINANCE.INVALID_PARAMETER, `Data sent for parameter 'symbol' is not valid. (exgate collects ${exchange.id} as aggregate trades, which cannot be split into trades: use aggTrades)`, 'symbol');
    }
    await collected(deps, { exchange, symbol });
    return marketPrints(await deps.trades.recent(exchange.id, symbol, limit)).map((t) => tradeRow(t, flavour.spot));
  });
}

/** `symbol=X` or (spot) `symbols=["X","Y"]`; undefined for all. */
function wantedSymbols(p: BinanceParams): string[] | undefined {
  const one = p.optional('symbol');
  if (one !== undefined) return [p.symbol()];
  const many = p.optional('symbols');
  if (many === undefined) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(many);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 100 || !list.every((s) => typeof s === 'string' && /^[A-Za-z0-9\-_.]{1,20}$/.test(s))) {
    throw dialectError(BINANCE.ILLEGAL_CHARS, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.", 'symbols');
  }
  return list as string[];
}
