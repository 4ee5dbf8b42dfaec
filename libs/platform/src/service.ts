import type { z } from 'zod';
import { createLogger, MetricsRegistry, onShutdown, parseConfig, processMetrics, startOpsServer, systemClock, type Clock, type Logger } from '@exgate/runtime';
import { errorMessage, ExgateError } from '@exgate/errors';
import { COMMON_PREFIXES, type commonEnv } from './env';

export interface ServiceContext<C> {
  readonly config: Readonly<C>;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
}

export interface RunningService {
  /** Stop steps in order: intake first, then flush/commit, then connections. */
  readonly closers: ReadonlyArray<readonly [string, () => Promise<void>]>;
  /** /readyz checks. */
  ready(): Promise<Readonly<Record<string, boolean>>>;
}

/**
 * The shape of every main.ts: parse the environment once against a strict schema, build the
 * service, serve /healthz /readyz /metrics, and stop gracefully on SIGTERM.
 */
export function runService<S extends typeof commonEnv>(
  name: string,
  schema: S,
  ownPrefix: string,
  start: (ctx: ServiceContext<z.infer<S>>) => Promise<RunningService>,
): void {
  let logger: Logger = createLogger({ name });
  (async () => {
    const config = parseConfig(schema, process.env, [...COMMON_PREFIXES, ownPrefix]);
    if (config.EXGATE_BUS === 'memory') {
      throw new ExgateError('CONFIG_INVALID', 'EXGATE_BUS=memory exists only inside one process: run `npm start` for the embedded mode');
    }
    logger = createLogger({ name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const metrics = new MetricsRegistry();
    // From before the service starts: a burst at start (subscriptions, restores) counts too.
    processMetrics(metrics);
    const service = await start({ config, logger, metrics, clock: systemClock });
    const ops = await startOpsServer({ port: config.OPS_PORT, metrics, ready: () => service.ready() });
    onShutdown(logger, [...service.closers, ['ops', () => ops.close()]]);
    logger.info({ opsPort: ops.port }, `${name} started`);
  })().catch((e: unknown) => {
    logger.fatal({ err: errorMessage(e) }, `${name} failed to start`);
    logger.flush();
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}
