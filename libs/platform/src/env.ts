import { z } from 'zod';
import { EXCHANGES, resolveExchange } from '@exgate/exchanges';
import { env } from '@exgate/runtime';

/**
 * The settings every service shares (docker-compose and the k8s ConfigMap hand the same block to
 * all four). Each main.ts extends this with its own prefix (COLLECTOR_, AGGREGATOR_, …).
 */
export const commonEnv = z.object({
  LOG_LEVEL: env.logLevel(),
  LOG_FORMAT: env.logFormat(),
  /** /healthz, /readyz and /metrics. */
  OPS_PORT: env.port(9464),
  /** kafka + NATS (distributed), or memory (only inside the embedded process). */
  EXGATE_BUS: z.enum(['kafka', 'memory']).default('kafka'),
  KAFKA_BROKERS: env.list('127.0.0.1:19092'),
  KAFKA_CLIENT_ID: z.string().default('exgate'),
  KAFKA_PARTITIONS: env.int(12, 1),
  /** Also publish candles as JSON to `exgate.candles-json.v2`, for consumers without protobuf. */
  KAFKA_CANDLES_JSON: env.bool(false),
  /** Of trade batches on the trade topic; measured in docs/adr/0019-trade-path.md. */
  KAFKA_COMPRESSION: z.enum(['none', 'gzip']).default('none'),
  /** Prefixes topics, consumer groups and KV buckets: several exgates (or test runs) share a cluster. */
  EXGATE_NAMESPACE: z.string().regex(/^[a-z0-9-]*$/, 'lower-case letters, digits and -').default(''),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** clickhouse (a server over HTTP) or chdb (the engine in this process). */
  EXGATE_STORE: z.enum(['clickhouse', 'chdb']).default('clickhouse'),
  EXGATE_DATA_DIR: z.string().default('.data'),
  CLICKHOUSE_URL: z.string().url().default('http://127.0.0.1:8123'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('exgate'),
  /** Exchanges to enable, by id. */
  EXGATE_EXCHANGES: env.list('binance-usdm').refine((names) => names.every((n) => resolveExchange(n) !== undefined), {
    message: `unknown exchange; known: ${EXCHANGES.map((m) => m.info.id).join(', ')}`,
  }),
  // Each exchange's own settings, under its own prefix (e.g. BINANCE_USDM_WS_URL).
  ...Object.assign({}, ...EXCHANGES.map((m) => m.env.shape)) as z.ZodRawShape,
});

export type CommonEnv = z.infer<typeof commonEnv>;

/** Prefixes a service owns: a variable under one of them that the schema doesn't know is a typo. */
export const COMMON_PREFIXES: readonly string[] = ['EXGATE_', 'KAFKA_', 'NATS_', 'CLICKHOUSE_', ...EXCHANGES.map((m) => m.env.prefix)];
