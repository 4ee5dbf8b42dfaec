import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '@exgate/runtime';
import type { ApiDeps } from './deps';
import { buildOpenApiDocument } from './openapi';

/** /healthz: the process answers. /readyz: its dependencies do. /metrics, /openapi.json. */
export function registerOpsRoutes(app: FastifyInstance, deps: ApiDeps, metrics: MetricsRegistry): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    try {
      const health = await deps.health.ready();
      return reply.code(health.ready ? 200 : 503).send({ ready: health.ready, checks: health.checks });
    } catch (e) {
      request.log.warn({ err: e }, 'readiness check failed');
      return reply.code(503).send({ ready: false, checks: {} });
    }
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );

  const document = buildOpenApiDocument();
  app.get('/openapi.json', async () => document);
}
