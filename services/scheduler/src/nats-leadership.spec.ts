import { connect, type NatsConnection } from 'nats';
import { eventually, natsUrl, uniqueName } from '@exgate/testing';
import { silentLogger } from '@exgate/runtime';
import { NatsKvLeadership } from './nats-leadership';

describe('NatsKvLeadership (real NATS JetStream)', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() });
  });
  afterAll(async () => {
    await nc.drain();
  });

  const open = (bucket: string, replicaId: string, leaseMs = 60_000) =>
    NatsKvLeadership.open(nc, { bucket, leaseMs, replicaId, logger: silentLogger() });

  it('lets exactly one replica lead, and hands over when the leader releases', async () => {
    const bucket = uniqueName('lease').replace(/[^A-Za-z0-9_-]/g, '_');
    const a = await open(bucket, 'a');
    const b = await open(bucket, 'b');
    expect(await a.check()).toBe(true);
    expect(await b.check()).toBe(false);
    expect(await a.check()).toBe(true); // renewal keeps it
    await a.release();
    expect(await b.check()).toBe(true);
    expect(await a.check()).toBe(false);
  });

  it('passes the lease on when the leader stops renewing and it expires', async () => {
    const bucket = uniqueName('lease').replace(/[^A-Za-z0-9_-]/g, '_');
    const a = await open(bucket, 'a', 1_000);
    const b = await open(bucket, 'b', 1_000);
    expect(await a.check()).toBe(true);
    expect(await b.check()).toBe(false);
    // a "dies": no more renewals. b takes over once the entry has aged out.
    const took = await eventually(() => b.check(), { what: 'b to take the expired lease', timeoutMs: 10_000, intervalMs: 250 });
    expect(took).toBe(true);
  });
});
