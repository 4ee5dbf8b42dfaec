import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { ApiDeps } from '../../deps';
import { dialectExchange } from '../common/exchange';
import { dialectError } from '../common/input';
import { queryValues } from '../common/params';
import { failureOf } from '../common/scope';
import { sendGuarded } from '../common/socket';
import { CandleThrottle, SeenIds } from '../common/throttle';
import { BINANCE } from './errors';
import type { BinanceFlavour } from './flavours';
import { binanceName, binanceTarget, collected } from './rest';
import { WS_ERROR, aggTradeEvent, klineEvent, parseStreamName, tradeEvent, type StreamSpec } from './streams';

/** Kline streams push at most this often while the candle forms (Binance's 250 ms). */
const KLINE_PERIOD_MS = 250;

/** Streams per connection: futures 200, spot 1024 (Binance's limits). */
const maxStreams = (flavour: BinanceFlavour) => (flavour.spot ? 1024 : 200);

interface Opening {
  /** Named by `?exchange=`, or the default when streams are named in the URL; else per SUBSCRIBE. */
  readonly exchange: ExchangeInfo | undefined;
  readonly combined: boolean;
  readonly streams: readonly ResolvedStream[];
}

interface ResolvedStream {
  readonly name: string;
  readonly spec: StreamSpec;
  readonly exchange: ExchangeInfo;
  /** The exchange's spelling, and Binance's for the events' `s`. */
  readonly symbol: string;
  readonly display: string;
}

/**
 * A stream name that can be served: a known shape, an interval the exchange has, raw trades only
 * where exgate collects raw trades, a symbol exgate collects there. INVALID_ARGUMENT otherwise.
 */
async function resolveStream(deps: ApiDeps, flavour: BinanceFlavour, exchange: ExchangeInfo, name: string): Promise<ResolvedStream> {
  const spec = parseStreamName(name);
  if (!spec) throw dialectError(WS_ERROR.INVALID_REQUEST, `Invalid request: ${JSON.stringify(name.slice(0, 64))} is not <symbol>@kline_<interval>, <symbol>@aggTrade or <symbol>@trade`);
  const t = await collected(deps, binanceTarget(deps, flavour, exchange.id, spec.symbol));
  if (spec.kind === 'kline' && !exchange.intervals.includes(spec.interval)) throw dialectError(BINANCE.BAD_INTERVAL, `Invalid interval. (${exchange.id} has no ${spec.interval} klines)`);
  if (spec.kind === 'trade' && exchange.tradeKind !== 'trade') {
    throw dialectError(BINANCE.INVALID_PARAMETER, `exgate collects ${exchange.id} as aggregate trades, which cannot be split into trades: use @aggTrade`);
  }
  return { name, spec, exchange, symbol: t.symbol, display: binanceName(flavour, exchange, t.symbol) };
}

/**
 * Binance's market streams over exgate's data: raw (`/ws/<stream>`) and combined
 * (`/stream?streams=a/b`) connections, the routed futures paths (`/market/ws`, `/public/ws`), and
 * SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY. Names in the path that
 * are not stream names are ignored, as Binance does (ccxt connects to `/ws/<n>`); names that are
 * but cannot be served are an HTTP 400 before the upgrade.
 */
export function binanceStreamRoutes(scope: FastifyInstance, deps: ApiDeps, flavour: BinanceFlavour, maxBufferedBytes: number): void {
  const openings = new WeakMap<FastifyRequest, Opening>();
  const prepare = (combined: boolean) => async (request: FastifyRequest) => {
    const params = request.params as Record<string, string | undefined>;
    const category = params['category'];
    if (category !== undefined && !['market', 'public'].includes(category)) throw dialectError(BINANCE.PATH_NOT_FOUND, `no stream route /${category}`);
    const { values, repeated } = queryValues(request.query);
    if (repeated.length > 0) throw dialectError(BINANCE.TOO_MANY_PARAMETERS, `Duplicate values for parameter '${repeated[0]}'.`);
    const named = (combined ? values['streams'] ?? '' : params['*'] ?? '').split('/').filter((n) => parseStreamName(n) !== undefined);
    if (named.length > maxStreams(flavour)) throw dialectError(BINANCE.INVALID_PARAMETER, `at most ${maxStreams(flavour)} streams per connection`);
    // A connection that names nothing may still open when the default exchange is not running here:
    // its SUBSCRIBE requests can name one.
    const exchange = values['exchange'] !== undefined || named.length > 0 ? dialectExchange(deps, values['exchange'], flavour.defaultExchange) : undefined;
    const streams = exchange ? await Promise.all(named.map((n) => resolveStream(deps, flavour, exchange, n))) : [];
    openings.set(request, { exchange, combined, streams });
  };
  const route = (url: string, combined: boolean) =>
    scope.route({
      method: 'GET',
      url,
      preValidation: prepare(combined),
      handler: async () => {
        throw dialectError(BINANCE.INVALID_PARAMETER, 'this is a websocket endpoint: connect with an Upgrade request');
      },
      wsHandler: (socket: WebSocket, request) => {
        const opening = openings.get(request);
        if (!opening) return socket.close(1011, 'no opening');
        new BinanceStreamSession(socket, deps, flavour, opening, maxBufferedBytes, request);
      },
    });
  const categories = flavour.spot ? [''] : ['', '/:category'];
  for (const c of categories) {
    route(`${c}/ws`, false);
    route(`${c}/ws/*`, false);
    route(`${c}/stream`, true);
  }
}

interface Subscription {
  readonly stream: ResolvedStream;
  close(): void;
}

/** One client connection: its subscriptions, its framing, its requests answered in order. */
class BinanceStreamSession {
  private readonly subscriptions = new Map<string, Subscription>();
  private combined: boolean;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ApiDeps,
    private readonly flavour: BinanceFlavour,
    private readonly opening: Opening,
    private readonly maxBufferedBytes: number,
    private readonly request: FastifyRequest,
  ) {
    this.combined = opening.combined;
    socket.on('close', () => {
      this.closed = true;
      for (const s of this.subscriptions.values()) s.close();
      this.subscriptions.clear();
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.queue = this.queue.then(() => this.onMessage(text)).catch((e: unknown) => request.log.error({ err: e }, 'stream request failed'));
    });
    for (const s of opening.streams) this.add(s);
  }

  private async onMessage(text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return this.reply(null, { error: { code: WS_ERROR.INVALID_JSON, msg: `Invalid JSON: ${(e as Error).message}` } });
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return this.reply(null, { error: { code: WS_ERROR.INVALID_JSON, msg: 'Invalid JSON: expected an object' } });
    const { method, params, id: rawId, exchange } = msg as Record<string, unknown>;
    const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : null;
    if (rawId !== undefined && rawId !== null && id === null) return this.reply(null, { error: { code: WS_ERROR.INVALID_VALUE_TYPE, msg: 'Invalid value type: id must be a number or a string' } });
    try {
      switch (method) {
        case 'SUBSCRIBE':
          await this.subscribe(strings(params), exchange);
          return this.reply(id, { result: null });
        case 'UNSUBSCRIBE':
          for (const name of strings(params)) {
            this.subscriptions.get(name)?.close();
            this.subscriptions.delete(name);
          }
          return this.reply(id, { result: null });
        case 'LIST_SUBSCRIPTIONS':
          return this.reply(id, { result: [...this.subscriptions.keys()] });
        case 'SET_PROPERTY': {
          const [name, value] = Array.isArray(params) ? params : [];
          if (name !== 'combined') throw dialectError(WS_ERROR.UNKNOWN_PROPERTY, 'Unknown property');
          if (typeof value !== 'boolean') throw dialectError(WS_ERROR.INVALID_VALUE_TYPE, 'Invalid value type: expected Boolean');
          this.combined = value;
          return this.reply(id, { result: null });
        }
        case 'GET_PROPERTY': {
          const [name] = Array.isArray(params) ? params : [];
          if (name !== 'combined') throw dialectError(WS_ERROR.UNKNOWN_PROPERTY, 'Unknown property');
          return this.reply(id, { result: this.combined });
        }
        default:
          throw dialectError(WS_ERROR.INVALID_REQUEST, `Invalid request: unknown method ${JSON.stringify(String(method).slice(0, 32))}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`);
      }
    } catch (e) {
      const f = failureOf(e);
      const code = f.dialectCode !== undefined && f.dialectCode >= 0 ? f.dialectCode : WS_ERROR.INVALID_REQUEST;
      return this.reply(id, { error: { code, msg: f.status >= 500 ? 'Internal error' : f.message } });
    }
  }

  /** All named streams are checked before any is added: a request succeeds or changes nothing. */
  private async subscribe(names: readonly string[], exchangeName: unknown): Promise<void> {
    if (exchangeName !== undefined && typeof exchangeName !== 'string') throw dialectError(WS_ERROR.INVALID_VALUE_TYPE, 'Invalid value type: exchange must be a string');
    const exchange = (exchangeName === undefined ? this.opening.exchange : undefined) ?? dialectExchange(this.deps, exchangeName, this.flavour.defaultExchange);
    const fresh = [...new Set(names)].filter((n) => !this.subscriptions.has(n));
    if (this.subscriptions.size + fresh.length > maxStreams(this.flavour)) {
      throw dialectError(WS_ERROR.INVALID_REQUEST, `Invalid request: at most ${maxStreams(this.flavour)} streams per connection`);
    }
    const streams = await Promise.all(fresh.map((n) => resolveStream(this.deps, this.flavour, exchange, n)));
    if (!this.closed) for (const s of streams) this.add(s);
  }

  private add(stream: ResolvedStream): void {
    const { spec, exchange, symbol, display, name } = stream;
    if (spec.kind === 'kline') {
      const throttle = new CandleThrottle(KLINE_PERIOD_MS, (c) => this.push(name, klineEvent(c, display, this.deps.clock.nowMs())));
      const stop = this.deps.live.subscribe(exchange.id, symbol, spec.interval, (c) => throttle.push(c));
      this.subscriptions.set(name, { stream, close: () => (stop(), throttle.close()) });
      return;
    }
    const seen = new SeenIds();
    const event = spec.kind === 'aggTrade' ? aggTradeEvent : tradeEvent;
    const stop = this.deps.live.trades(exchange.id, symbol, (trades) => {
      for (const t of seen.fresh(trades)) if (t.market) this.push(name, event(t, display, this.flavour.spot));
    });
    this.subscriptions.set(name, { stream, close: stop });
  }

  private push(stream: string, data: Record<string, unknown>): void {
    this.send(this.combined ? { stream, data } : data);
  }

  private reply(id: number | string | null, body: Record<string, unknown>): void {
    this.send({ ...body, id });
  }

  private send(message: unknown): void {
    sendGuarded(this.socket, this.maxBufferedBytes, JSON.stringify(message));
  }
}

function strings(params: unknown): string[] {
  if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) {
    throw dialectError(WS_ERROR.INVALID_VALUE_TYPE, 'Invalid value type: params must be an array of stream names');
  }
  return params as string[];
}
