import { ExgateError } from '@exgate/errors';
import type { ApiDeps, CandleQuery } from './deps';
import { klineJson } from './mappers';
import type { RpcName } from './routes';
import * as s from './schemas';
import { checkOrder, parse, resolveExchange, scheduleParam, seriesTarget, target, tzOffsetMs, type PathParams } from './validate';
import { candleWindow } from './window';

export interface RequestInput {
  readonly params: unknown;
  readonly query: unknown;
  /** The request's path and query string as sent: the key of the validated-request memo. */
  readonly url?: string;
}

/** Validated requests remembered by URL (the hot read routes are asked the same URLs again and again). */
const VALIDATED_URLS = 4_096;

/**
 * Validation is a pure function of the URL (exchanges, symbols' syntax and intervals are fixed
 * for the process), so a URL validated once needs no second zod pass; a full memo starts over.
 */
function validatedByUrl<T>(): (url: string | undefined, validate: () => T) => T {
  const memo = new Map<string, T>();
  return (url, validate) => {
    const known = url === undefined ? undefined : memo.get(url);
    if (known !== undefined) return known;
    const value = validate();
    if (url !== undefined) {
      if (memo.size >= VALIDATED_URLS) memo.clear();
      memo.set(url, value);
    }
    return value;
  };
}

export type Handler = (input: RequestInput) => Promise<unknown>;

/** A response body that is JSON already (UTF-8 bytes): sent as it is. */
export class RawJson {
  constructor(readonly bytes: Uint8Array) {}
}


/** One function per rpc. Each validates its input completely before touching a dependency. */
export function createHandlers(deps: ApiDeps): Readonly<Record<RpcName, Handler>> {
  const storedUrls = validatedByUrl<CandleQuery>();
  const recentUrls = validatedByUrl<{ readonly exchange: string; readonly symbol: string; readonly limit: number }>();
  return {
    async PullAggtrade({ params }) {
      const t = seriesTarget(deps, params as PathParams);
      const where = `${t.symbol} on ${t.exchange.id}`;
      if (!(await deps.symbols.exists(t.exchange.id, t.symbol))) {
        throw new ExgateError('UNKNOWN_SYMBOL', `${t.exchange.id} does not list ${t.symbol}`);
      }
      const outcome = await deps.subscriptions.pull(t.exchange.id, t.symbol, t.interval);
      return outcome === 'started'
        ? { desc: `started pulling ${t.exchange.tradeKind} prints of ${where}`, status: 'started' }
        : { desc: `already pulling ${where}`, status: 'already_pulling' };
    },

    async StopPullAggtrade({ params }) {
      const t = seriesTarget(deps, params as PathParams);
      const where = `${t.symbol} on ${t.exchange.id}`;
      const outcome = await deps.subscriptions.stop(t.exchange.id, t.symbol, t.interval);
      if (outcome === 'not_pulled') {
        throw new ExgateError('NOT_PULLED', `${where} is not being pulled: nothing to stop`);
      }
      return { status: 'stopped', desc: `stopped pulling ${where}` };
    },

    async AggTradeScannerKLine({ params }) {
      const t = seriesTarget(deps, params as PathParams);
      const r = await deps.scanner.regenerate(t.exchange.id, t.symbol, t.interval);
      const span = r.fromMs === null || r.toMs === null ? '' : ` opening ${iso(r.fromMs)} .. ${iso(r.toMs)}`;
      return {
        status: 'regenerated',
        desc: `regenerated ${r.candles} ${t.interval} candles of ${t.symbol} on ${t.exchange.id} from ${r.trades} stored trades${span}`,
      };
    },

    async AggTradeScannerAllKLine({ params }) {
      const p = parse(s.scheduleParams, params);
      const exchange = resolveExchange(deps, p.exchange);
      const spec = scheduleParam(p.cron_interval);
      const text = spec.kind === 'cron' ? `on cron "${spec.spec}" (UTC)` : `every ${spec.spec}`;
      const { created } = await deps.scanner.schedule(exchange.id, spec);
      return created
        ? { status: 'scheduled', desc: `closing the candles of every live symbol on ${exchange.id} ${text}` }
        : { status: 'already_scheduled', desc: `already closing the candles of every live symbol on ${exchange.id} ${text}` };
    },

    async GetKlineByExgate({ params, query, url }) {
      const candleQuery = storedUrls(url, () => {
        const t = seriesTarget(deps, params as PathParams);
        const p = parse(s.storedKlineParams, params);
        const q = parse(s.storedKlineQuery, query);
        checkOrder(p.startTime, p.endTime);
        return {
          exchange: t.exchange.id,
          symbol: t.symbol,
          interval: t.interval,
          fromMs: p.startTime,
          toMs: p.endTime,
          limit: q.limit,
          tzOffsetMs: tzOffsetMs(t.exchange, t.interval, q.timeZone),
        };
      });
      const body = await deps.candles.storedBody(candleQuery);
      // JSON already (each candle serialized once, the body memoised): sent as it is.
      return new RawJson(body);
    },

    async GenKline({ params, query }) {
      const t = seriesTarget(deps, params as PathParams);
      const q = parse(s.rangeKlineQuery, query);
      checkOrder(q.startTime, q.endTime);
      const offsetMs = tzOffsetMs(t.exchange, t.interval, q.timeZone);
      const window = candleWindow(t.interval, q.limit, q.startTime, q.endTime, deps.clock.nowMs());
      const candles = await deps.candles.generated({
        exchange: t.exchange.id,
        symbol: t.symbol,
        interval: t.interval,
        ...window,
        limit: q.limit,
        tzOffsetMs: offsetMs,
      });
      return { kline: candles.map(klineJson) };
    },

    async GetKline({ params, query }) {
      const t = seriesTarget(deps, params as PathParams);
      const q = parse(s.rangeKlineQuery, query);
      checkOrder(q.startTime, q.endTime);
      const klines = await deps.candles.proxied({
        exchange: t.exchange.id,
        symbol: t.symbol,
        interval: t.interval,
        ...(q.startTime === undefined ? {} : { startTimeMs: q.startTime }),
        ...(q.endTime === undefined ? {} : { endTimeMs: q.endTime }),
        limit: q.limit,
        tzOffsetMs: tzOffsetMs(t.exchange, t.interval, q.timeZone),
      });
      return { kline: klines.map(klineJson) };
    },

    async GetTradeRecent({ params, query, url }) {
      const r = recentUrls(url, () => {
        const t = target(deps, params as PathParams);
        return { exchange: t.exchange.id, symbol: t.symbol, limit: parse(s.recentQuery, query).limit };
      });
      return new RawJson(await deps.trades.recentBody(r.exchange, r.symbol, r.limit));
    },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
