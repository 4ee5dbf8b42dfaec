import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { ExgateError } from '@exgate/errors';
import { MetricsRegistry } from '@exgate/runtime';
import { registerCatalogRoute } from './catalog';
import { registerChartPage } from './chart/assets';
import { apiConfigSchema, type ApiConfig } from './config';
import type { ApiDeps } from './deps';
import { dialectErrorsFor, registerDialects } from './dialects';
import { sendDialectError } from './dialects/common/scope';
import { errorReply } from './errors';
import { bearerGuard, rateGuard } from './guards';
import { RawJson, createHandlers } from './handlers';
import { closeLiveSockets, registerLiveRoute } from './live';
import { registerOpsRoutes } from './ops';
import { TokenBucketLimiter } from './rate-limit';
import { ROUTES, fastifyPath } from './routes';

/** Probes and scrapes are never rate-limited: a busy API must still answer its orchestrator. */
const OPS_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/**
 * The exgate v1 API. Not listening yet: main.ts calls `listen`, tests call `inject`. `close()`
 * refuses new requests (503 UNAVAILABLE) and waits for the ones in flight.
 */
export async function createApi(deps: ApiDeps, config: ApiConfig): Promise<FastifyInstance> {
  const settings = apiConfigSchema.parse(config);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: !settings.logRequests }),
    trustProxy: settings.trustProxy,
    // Long values reach validation (a clear 400) instead of silently failing to match (404).
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
    exposeHeadRoutes: false,
    // Our own 503 with the rpcStatus body instead of fastify's.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      const malformed = new ExgateError('INVALID_ARGUMENT', `malformed request: ${error.code ?? 'bad url'}`);
      const dialect = dialectErrorsFor(request.url);
      if (dialect) sendDialectError(reply, dialect, malformed);
      else sendError(reply, malformed);
    },
  });

  const metrics = deps.metrics ?? new MetricsRegistry();
  const requests = metrics.counter('exgate_api_requests_total', 'API requests by route, method and HTTP status.');
  const latency = metrics.histogram('exgate_api_request_duration_seconds', 'API request latency by route.', [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  ]);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => deps.close?.());

  const limit = settings.rateLimit.enabled
    ? rateGuard(new TokenBucketLimiter(settings.rateLimit, deps.clock))
    : undefined;
  // Callback hooks, not async ones: every request passes through them, and a promise each costs.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (closing) throw new ExgateError('EXCHANGE_UNAVAILABLE', 'the server is shutting down', { retryAfterMs: 1000 });
      if (limit && !OPS_PATHS.has(request.url.split('?', 1)[0] ?? '')) limit(request);
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  });
  // Requests that were in flight when close() began: their keep-alive connection must not hold
  // the server open after they are answered.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe(reply.elapsedTime / 1000, { route });
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const r = errorReply(error);
    if (r.internal) request.log.error({ err: error, url: request.url }, 'request failed');
    sendError(reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, new ExgateError('NOT_FOUND', `no route ${request.method} ${request.url.split('?', 1)[0]?.slice(0, 200)}`));
  });

  // 64 KiB: a Binance-dialect SUBSCRIBE may name 200 streams (docs/adr/0010).
  await app.register(websocket, { options: { maxPayload: 65_536 }, preClose: closeLiveSockets });

  const handlers = createHandlers(deps);
  const auth = settings.controlToken === undefined ? undefined : bearerGuard(settings.controlToken);
  for (const route of ROUTES) {
    const handler = handlers[route.rpc];
    app.route({
      method: 'GET',
      url: fastifyPath(route.path),
      ...(route.control && auth ? { preHandler: async (request: FastifyRequest) => auth(request) } : {}),
      handler: async (request, reply) => {
        const body = await handler({ params: request.params, query: request.query, url: request.url });
        if (!(body instanceof RawJson)) return body;
        return reply.type('application/json; charset=utf-8').send(body.bytes);
      },
    });
  }
  registerLiveRoute(app, deps, settings.wsMaxBufferedBytes);
  registerCatalogRoute(app, deps);
  await registerChartPage(app);
  await registerDialects(app, deps, { wsMaxBufferedBytes: settings.wsMaxBufferedBytes });
  registerOpsRoutes(app, deps, metrics);
  return app;
}

function sendError(reply: FastifyReply, error: unknown): void {
  const r = errorReply(error);
  if (r.retryAfterMs !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))));
  if (r.httpStatus === 401) reply.header('www-authenticate', 'Bearer');
  void reply.code(r.httpStatus).type('application/json; charset=utf-8').send(r.body);
}
