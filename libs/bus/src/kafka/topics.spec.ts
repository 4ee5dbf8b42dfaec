import type { Admin } from 'kafkajs';
import { isExgateError } from '@exgate/errors';
import { silentLogger } from '@exgate/runtime';
import { kafkaBrokers, uniqueName } from '@exgate/testing';
import { createKafka } from './client';
import { ensureTopics } from './topics';

const kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'topics-spec', logger: silentLogger() });
const admins: Admin[] = [];
const created: string[] = [];

async function admin(): Promise<Admin> {
  const a = kafka.admin();
  await a.connect();
  admins.push(a);
  return a;
}

async function leaders(a: Admin, topic: string): Promise<number[]> {
  const { topics } = await a.fetchTopicMetadata({ topics: [topic] });
  return topics[0]!.partitions.map((p) => p.leader).sort();
}

afterAll(async () => {
  const a = await admin();
  await a.deleteTopics({ topics: created }).catch(() => undefined);
  for (const x of admins) await x.disconnect();
});

describe('ensureTopics on a real broker', () => {
  it('creates what is missing, and resolves only once every partition has a leader', async () => {
    const a = await admin();
    const topics = [uniqueName('topics-a'), uniqueName('topics-b')];
    created.push(...topics);
    expect((await ensureTopics(a, { partitions: 3, topics })).sort()).toEqual([...topics].sort());
    for (const t of topics) {
      const led = await leaders(a, t);
      expect(led).toHaveLength(3);
      expect(led.every((l) => l >= 0)).toBe(true);
    }
  });

  it('leaves an existing topic as it is and reports nothing created', async () => {
    const a = await admin();
    const topic = uniqueName('topics-existing');
    created.push(topic);
    await ensureTopics(a, { partitions: 2, topics: [topic] });
    expect(await ensureTopics(a, { partitions: 5, topics: [topic] })).toEqual([]);
    expect(await leaders(a, topic)).toHaveLength(2);
  });

  it('lets instances starting together race for the same topic', async () => {
    const [a, b, c] = [await admin(), await admin(), await admin()];
    const topic = uniqueName('topics-race');
    created.push(topic);
    const results = await Promise.all([a, b, c].map((x) => ensureTopics(x, { partitions: 4, topics: [topic] })));
    expect(results.flat().every((t) => t === topic)).toBe(true);
    expect(await leaders(a, topic)).toHaveLength(4);
  });

  it('fails at once, as a bus error, when the broker rejects the request on its merits', async () => {
    const a = await admin();
    const started = Date.now();
    const error = await ensureTopics(a, { partitions: 1, topics: ['not a valid topic name!'], deadlineMs: 20_000 }).catch((e: unknown) => e);
    expect(isExgateError(error) && error.code).toBe('BUS_UNAVAILABLE');
    expect(String((error as Error).message)).toMatch(/cannot create topics not a valid topic name!/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
