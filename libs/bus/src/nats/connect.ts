import { connect, type NatsConnection } from 'nats';
import { ExgateError, errorMessage } from '@exgate/errors';
import type { Logger } from '@exgate/runtime';

export interface NatsOptions {
  /** e.g. `nats://127.0.0.1:4222`; comma-separated for a cluster. */
  readonly url: string;
  /** Shows in the server's connection list. */
  readonly name: string;
  readonly logger: Logger;
  /** How long the first connection may take before BUS_UNAVAILABLE. */
  readonly timeoutMs?: number;
}

/**
 * One connection per process, shared by the event bus and the KV stores. It reconnects forever:
 * core pub/sub is fire and forget, and the KV calls fail with BUS_UNAVAILABLE while it is down.
 */
export async function connectNats(options: NatsOptions): Promise<NatsConnection> {
  const log = options.logger.child({ component: 'nats' });
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url.split(',').map((s) => s.trim()),
      name: options.name,
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 20_000,
      // Otherwise nats.js makes an Error, with its stack, for every request in case it times out:
      // a quarter of a KV put's CPU (5,000 puts: 539–660 ms of CPU with it, 414–447 without). Our
      // errors say which call failed (natsError's `what`).
      noAsyncTraces: true,
    });
  } catch (e) {
    throw new ExgateError('BUS_UNAVAILABLE', `cannot connect to NATS at ${options.url}: ${errorMessage(e)}`, {
      cause: e,
      details: { url: options.url },
    });
  }
  log.info({ server: nc.getServer() }, 'connected to NATS');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') log.warn({ server: s.data }, 'NATS connection lost; reconnecting');
      else if (s.type === 'reconnect') log.info({ server: s.data }, 'NATS connection restored');
      else if (s.type === 'error') log.error({ err: s.data }, 'NATS error');
    }
  })();
  return nc;
}

/** A failed NATS call as our error: retriable unless the server said the request itself is bad. */
export function natsError(what: string, e: unknown): ExgateError {
  const code = (e as { code?: string }).code;
  const retriable = code === undefined || ['503', 'TIMEOUT', 'CONNECTION_CLOSED', 'DISCONNECT', 'CONNECTION_REFUSED'].includes(code);
  return new ExgateError('BUS_UNAVAILABLE', `${what}: ${errorMessage(e)}`, { cause: e, retriable, details: { natsCode: code } });
}
