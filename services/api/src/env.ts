import { z } from 'zod';
import { env } from '@exgate/runtime';
import type { ApiConfig } from './config';

/** The API's environment (API_ prefix), shared by its own main.ts and the embedded process. */
export const apiEnv = z.object({
  API_PORT: env.port(8080),
  API_HOST: z.string().default('0.0.0.0'),
  /** Bearer token for pull, stop and the scanner routes; unset keeps the contract's open routes. */
  API_CONTROL_TOKEN: z.string().min(16).optional(),
  API_TRUST_PROXY: env.bool(false),
  API_RATE_LIMIT_ENABLED: env.bool(true),
  API_RATE_LIMIT_BURST: env.int(300, 1),
  API_RATE_LIMIT_PER_SECOND: env.int(50, 1),
  API_LOG_REQUESTS: env.bool(false),
});

export type ApiEnv = z.infer<typeof apiEnv>;

export function apiConfigFromEnv(e: ApiEnv): ApiConfig {
  return {
    ...(e.API_CONTROL_TOKEN ? { controlToken: e.API_CONTROL_TOKEN } : {}),
    trustProxy: e.API_TRUST_PROXY,
    rateLimit: { enabled: e.API_RATE_LIMIT_ENABLED, burst: e.API_RATE_LIMIT_BURST, perSecond: e.API_RATE_LIMIT_PER_SECOND },
    logRequests: e.API_LOG_REQUESTS,
  };
}
