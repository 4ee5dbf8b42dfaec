import { z } from 'zod';

/**
 * The API's settings. Defaults keep the contract's open behaviour (no token) with a rate limit
 * generous enough that no human or dashboard meets it; docs/adr/0006-api.md explains each.
 */
export const apiConfigSchema = z.strictObject({
  /**
   * When set, the control routes (pull, stop, both scanners) need `Authorization: Bearer <token>`.
   * 16 characters at least: a short shared secret is a guessable one.
   */
  controlToken: z.string().min(16, { error: 'controlToken must be at least 16 characters' }).optional(),
  /** Take the client address from X-Forwarded-For (only behind a proxy you trust). */
  trustProxy: z.boolean().default(false),
  /** Per-client token bucket over every /v1 and /ws route (not the ops routes). */
  rateLimit: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Requests a client may fire at once. */
      burst: z.number().int().positive().default(300),
      /** Sustained requests per second per client. */
      perSecond: z.number().positive().default(50),
      /** Buckets kept in memory; beyond this the idle ones are forgotten first. */
      maxClients: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  /** One log line per request (fastify's request logging); errors are always logged. */
  logRequests: z.boolean().default(false),
  /** A live websocket client whose unsent data exceeds this is disconnected (slow consumer). */
  wsMaxBufferedBytes: z.number().int().positive().default(1_048_576),
});

/** What callers pass (defaults filled in by createApi). */
export type ApiConfig = z.input<typeof apiConfigSchema>;
/** What the API runs with. */
export type ResolvedApiConfig = z.output<typeof apiConfigSchema>;
