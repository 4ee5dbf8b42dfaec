import { ExgateError } from '@exgate/errors';
import type { ApiDeps } from './deps';
import { klineJson } from './mappers';
import type { RpcName } from './routes';
import * as s from './schemas';
import { checkOrder, parse, resolveExchange, scheduleParam, seriesTarget, target, tzOffsetMs, type PathParams } from './validate';
import { candleWindow } from './window';

export interface RequestInput {
  readonly params: unknown;
  readonly query: unknown;
}

export type Handler = (input: RequestInput) => Promise<unknown>;

/** A response body that is JSON already (UTF-8 bytes): sent as it is. */
export class RawJson {
  constructor(readonly bytes: Uint8Array) {}
}


/** One function per rpc. Each validates its input completely before touching a dependency. */
export function createHandlers(deps: ApiDeps): Readonly<Record<RpcName, Handler>> {
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

    async GetKlineByExgate({ params, query }) {
      const t = seriesTarget(deps, params as PathParams);
      const p = parse(s.storedKlineParams, params);
      const q = parse(s.storedKlineQuery, query);
      checkOrder(p.startTime, p.endTime);
      const body = await deps.candles.storedBody({
        exchange: t.exchange.id,
        symbol: t.symbol,
        interval: t.interval,
        fromMs: p.startTime,
        toMs: p.endTime,
        limit: q.limit,
        tzOffsetMs: tzOffsetMs(t.exchange, t.interval, q.timeZone),
      });
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

    async GetTradeRecent({ params, query }) {
      const t = target(deps, params as PathParams);
      const q = parse(s.recentQuery, query);
      return new RawJson(await deps.trades.recentBody(t.exchange.id, t.symbol, q.limit));
    },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
