import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Trade } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { ApiDeps } from '../../deps';
import { dialectExchange } from '../common/exchange';
import { badParam } from '../common/input';
import { queryValues } from '../common/params';
import { failureOf } from '../common/scope';
import { sendGuarded } from '../common/socket';
import { CandleThrottle, SeenIds } from '../common/throttle';
import { HOTBIT_DEFAULT_EXCHANGE, HotbitData, integerArg, type HotbitMarket } from './data';
import { hotbitErrorBody } from './errors';
import { dealOf, klineRow } from './map';

/** kline.update at most this often while the candle forms; state and today at most once a second. */
const KLINE_PERIOD_MS = 500;
const STATE_PERIOD_MS = 1000;
const MAX_TIME_S = 253_402_300_799;
/** ViaBTC's first deals push after subscribing: the newest 100. */
const FIRST_DEALS = 100;
const MAX_MARKETS = 100;

interface Opening {
  readonly data: HotbitData;
  readonly compress: boolean;
}

/**
 * HotBit's websocket (`/v2/`): JSON-RPC `{method, params, id}`, answers `{error, result, id}`,
 * pushes `{method, params, id: null}`. Server frames are gzip-compressed binary as HotBit sent them;
 * `?compress=false` sends text. `?exchange=` picks the exchange, default hotbit.
 */
export function hotbitWsRoutes(scope: FastifyInstance, deps: ApiDeps, maxBufferedBytes: number): void {
  const openings = new WeakMap<FastifyRequest, Opening>();
  scope.route({
    method: 'GET',
    url: '/',
    preValidation: async (request) => {
      const { values, repeated } = queryValues(request.query);
      if (repeated.length > 0) throw badParam(repeated[0]!, `${repeated[0]} must be given once`);
      const compress = values['compress'] ?? 'true';
      if (compress !== 'true' && compress !== 'false') throw badParam('compress', 'compress must be true or false');
      const data = new HotbitData(deps, dialectExchange(deps, values['exchange'], HOTBIT_DEFAULT_EXCHANGE));
      openings.set(request, { data, compress: compress === 'true' });
    },
    handler: async () => {
      throw badParam('request', 'this is a websocket endpoint: connect with an Upgrade request');
    },
    wsHandler: (socket: WebSocket, request) => {
      const opening = openings.get(request);
      if (!opening) return socket.close(1011, 'no opening');
      new HotbitSession(socket, deps, opening, maxBufferedBytes, request);
    },
  });
}

type Topic = 'kline' | 'deals' | 'price' | 'state' | 'today';

class HotbitSession {
  private readonly data: HotbitData;
  /** Each topic's subscription: a new subscribe replaces it, as ViaBTC does. */
  private readonly topics = new Map<Topic, () => void>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /**
   * Pushes made while a request is answered, sent after its answer: a subscription's first update
   * (the newest deals, the last price) is ready as soon as the subscription starts, but HotBit
   * answers the subscribe first, and a client may take the first message after it for the answer.
   */
  private held: unknown[] | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ApiDeps,
    private readonly opening: Opening,
    private readonly maxBufferedBytes: number,
    request: FastifyRequest,
  ) {
    this.data = opening.data;
    socket.on('close', () => {
      this.closed = true;
      for (const stop of this.topics.values()) stop();
      this.topics.clear();
    });
    socket.on('message', (raw: Buffer) => {
      const text = raw.toString('utf8');
      this.queue = this.queue.then(() => this.onMessage(text)).catch((e: unknown) => request.log.error({ err: e }, 'hotbit request failed'));
    });
  }

  private async onMessage(text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      return this.send(hotbitErrorBody(failureOf(badParam('request', 'expected a JSON object {method, params, id}')), null));
    }
    const { method, params, id: rawId } = msg as Record<string, unknown>;
    const id = typeof rawId === 'number' || typeof rawId === 'string' ? rawId : null;
    this.held = [];
    try {
      const args = params === undefined ? [] : params;
      if (!Array.isArray(args)) throw badParam('params', 'params must be an array');
      const result = await this.call(String(method), args);
      this.send({ error: null, result, id });
    } catch (e) {
      this.send(hotbitErrorBody(failureOf(e), id));
    } finally {
      const held = this.held;
      this.held = null;
      for (const message of held) this.send(message);
    }
  }

  private async call(method: string, p: readonly unknown[]): Promise<unknown> {
    const d = this.data;
    switch (method) {
      case 'server.ping': return 'pong';
      case 'server.time': return Math.floor(this.deps.clock.nowMs() / 1000);
      case 'kline.query': {
        const m = await d.market(p[0]);
        const interval = d.interval(p[3]);
        return d.klines(m, integerArg('start', p[1], 0, MAX_TIME_S), integerArg('end', p[2], 0, MAX_TIME_S), interval);
      }
      case 'deals.query': {
        const m = await d.market(p[0]);
        return d.deals(m, integerArg('limit', p[1], 1, 1000), integerArg('last_id', p[2] ?? 0, 0, Number.MAX_SAFE_INTEGER), true);
      }
      case 'price.query': return d.last(await d.market(p[0]));
      case 'state.query': return d.status(await d.market(p[0]), integerArg('period', p[1], 1, 10 * 365 * 86_400));
      case 'today.query': return d.today(await d.market(p[0]));
      case 'kline.subscribe': {
        const m = await d.market(p[0]);
        const interval = d.interval(p[1]);
        return this.subscribe('kline', [m], () => {
          const throttle = new CandleThrottle(KLINE_PERIOD_MS, (c) => this.push('kline.update', [klineRow(c, m.name)]));
          const stop = this.deps.live.subscribe(d.exchange.id, m.symbol, interval, (c) => throttle.push(c));
          return () => (stop(), throttle.close());
        });
      }
      case 'deals.subscribe': return this.subscribe('deals', await this.marketsOf(p), (m) => {
        const seen = new SeenIds();
        const send = (trades: readonly Trade[]) => {
          const deals = seen.fresh(trades).filter((t) => t.market).reverse().map((t) => dealOf(t, true));
          if (deals.length > 0) this.push('deals.update', [m.name, deals]);
        };
        const stop = this.deps.live.trades(d.exchange.id, m.symbol, send);
        void this.deps.trades.recent(d.exchange.id, m.symbol, FIRST_DEALS).then(send, () => undefined);
        return stop;
      });
      case 'price.subscribe': return this.subscribe('price', await this.marketsOf(p), (m) => {
        let last: string | undefined;
        const send = (price: string) => {
          if (price !== last) this.push('price.update', [m.name, (last = price)]);
        };
        void d.last(m).then(send, () => undefined);
        return this.deps.live.trades(d.exchange.id, m.symbol, (trades) => {
          const t = trades.filter((x) => x.market).at(-1);
          if (t) send(t.price);
        });
      });
      case 'state.subscribe': return this.subscribe('state', await this.marketsOf(p), (m) => this.everySecondOnTrades(m, async () => this.push('state.update', [m.name, await d.status(m, 86_400)])));
      case 'today.subscribe': return this.subscribe('today', await this.marketsOf(p), (m) => this.everySecondOnTrades(m, async () => this.push('today.update', [m.name, await d.today(m)])));
      case 'kline.unsubscribe': return this.unsubscribe('kline');
      case 'deals.unsubscribe': return this.unsubscribe('deals');
      case 'price.unsubscribe': return this.unsubscribe('price');
      case 'state.unsubscribe': return this.unsubscribe('state');
      case 'today.unsubscribe': return this.unsubscribe('today');
      default:
        throw new ExgateError('NOT_FOUND', `no method ${JSON.stringify(method.slice(0, 40))}`);
    }
  }

  private async marketsOf(p: readonly unknown[]): Promise<HotbitMarket[]> {
    if (p.length === 0 || p.length > MAX_MARKETS) throw badParam('params', `name 1..${MAX_MARKETS} markets`);
    return Promise.all(p.map((x) => this.data.market(x)));
  }

  /** Pushes now, then at most once a second while the market trades. */
  private everySecondOnTrades(m: HotbitMarket, push: () => Promise<void>): () => void {
    let timer: NodeJS.Timeout | undefined;
    const run = () => void push().catch(() => undefined);
    run();
    const stop = this.deps.live.trades(this.data.exchange.id, m.symbol, () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        run();
      }, STATE_PERIOD_MS);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }

  private subscribe(topic: Topic, markets: readonly HotbitMarket[], start: (m: HotbitMarket) => () => void): { status: 'success' } {
    this.unsubscribe(topic);
    if (!this.closed) {
      const stops = markets.map(start);
      this.topics.set(topic, () => stops.forEach((s) => s()));
    }
    return { status: 'success' };
  }

  private unsubscribe(topic: Topic): { status: 'success' } {
    this.topics.get(topic)?.();
    this.topics.delete(topic);
    return { status: 'success' };
  }

  private push(method: string, params: unknown): void {
    const message = { method, params, id: null };
    if (this.held) this.held.push(message);
    else this.send(message);
  }

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    sendGuarded(this.socket, this.maxBufferedBytes, this.opening.compress ? gzipSync(text) : text);
  }
}
