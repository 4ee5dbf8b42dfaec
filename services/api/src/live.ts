import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Candle } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { ApiDeps } from './deps';
import { klineJson } from './mappers';
import { seriesTarget, type PathParams, type SeriesTarget } from './validate';

/**
 * Live candles over a websocket: every update of the series (forming, closed, corrected) as one
 * JSON kline object per message. Outside /v1 on purpose: /v1 is exactly the contract's routes.
 */
export const LIVE_PATH = '/ws/v1/{exchange}/kline/{symbol}/{interval}';

const OPEN = 1;
/** 1013 "try again later": the client reads slower than the series updates. */
const CLOSE_SLOW_CONSUMER = 1013;
const CLOSE_INTERNAL = 1011;
const CLOSE_GOING_AWAY = 1001;
/** How long a client gets to answer the close handshake on shutdown before its socket is cut. */
const CLOSE_GRACE_MS = 500;

declare module 'fastify' {
  interface FastifyRequest {
    liveTarget?: SeriesTarget;
  }
}

export function registerLiveRoute(app: FastifyInstance, deps: ApiDeps, maxBufferedBytes: number): void {
  app.route({
    method: 'GET',
    url: LIVE_PATH.replace(/\{(\w+)\}/g, ':$1'),
    // Validation runs before the upgrade, so a bad series is an HTTP 4xx with the rpcStatus body.
    preValidation: async (request) => {
      request.liveTarget = seriesTarget(deps, request.params as PathParams);
    },
    handler: async () => {
      throw new ExgateError('INVALID_ARGUMENT', 'this route is a websocket: connect with an Upgrade request');
    },
    wsHandler: (socket: WebSocket, request) => {
      const t = request.liveTarget;
      if (!t) return socket.close(CLOSE_INTERNAL, 'no series');
      const push = (candle: Candle) => {
        if (socket.readyState !== OPEN) return;
        if (socket.bufferedAmount > maxBufferedBytes) {
          socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
          return;
        }
        socket.send(JSON.stringify(klineJson(candle)));
      };
      let unsubscribe: (() => void) | undefined;
      let closed = false;
      socket.on('close', () => {
        closed = true;
        unsubscribe?.();
      });
      try {
        unsubscribe = deps.live.subscribe(t.exchange.id, t.symbol, t.interval, push);
      } catch (e) {
        request.log.error({ err: e, series: `${t.exchange.id}:${t.symbol}:${t.interval}` }, 'live subscribe failed');
        socket.close(CLOSE_INTERNAL, 'subscription failed');
        return;
      }
      // The socket closed while subscribing: the close handler ran too early to unsubscribe.
      if (closed) unsubscribe();
    },
  });
}

/**
 * @fastify/websocket's preClose: tell every live client the server is going away (1001), give it
 * CLOSE_GRACE_MS to answer, then cut the socket, so shutdown is bounded and subscriptions end.
 */
export async function closeLiveSockets(this: FastifyInstance): Promise<void> {
  const clients = [...this.websocketServer.clients];
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          const cut = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
          client.once('close', () => {
            clearTimeout(cut);
            resolve();
          });
          client.close(CLOSE_GOING_AWAY, 'server shutting down');
        }),
    ),
  );
  await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
}
