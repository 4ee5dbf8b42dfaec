import type { KV, NatsConnection } from 'nats';
import type { Logger } from '@exgate/runtime';
import type { Leadership } from './leadership';

/**
 * A lease in a JetStream KV bucket whose entries expire after `leaseMs`: `create` succeeds only
 * when nobody holds it, `update` with the last revision renews it only for the holder. A replica
 * that stops renewing loses it within `leaseMs`.
 */
export class NatsKvLeadership implements Leadership {
  private revision: number | null = null;

  private constructor(
    private readonly kv: KV,
    private readonly replicaId: string,
    private readonly logger: Logger,
  ) {}

  static async open(nc: NatsConnection, options: { bucket: string; leaseMs: number; replicaId: string; logger: Logger }): Promise<NatsKvLeadership> {
    const kv = await nc.jetstream().views.kv(options.bucket, { ttl: options.leaseMs, history: 1 });
    return new NatsKvLeadership(kv, options.replicaId, options.logger);
  }

  async check(): Promise<boolean> {
    const value = new TextEncoder().encode(this.replicaId);
    try {
      this.revision = this.revision === null ? await this.kv.create('leader', value) : await this.kv.update('leader', value, this.revision);
      return true;
    } catch (e) {
      // Someone else holds it (create/update rejected by revision), or NATS is away: follow.
      if (this.revision !== null) this.logger.warn({ err: (e as Error).message }, 'scheduler lease lost');
      this.revision = null;
      return false;
    }
  }

  async release(): Promise<void> {
    if (this.revision === null) return;
    try {
      await this.kv.delete('leader', { previousSeq: this.revision });
    } finally {
      this.revision = null;
    }
  }
}
