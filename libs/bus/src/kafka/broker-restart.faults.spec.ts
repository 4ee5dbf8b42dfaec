import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TradeBatch } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import type { Kafka } from 'kafkajs';
import { eventually, repoRoot, uniqueName } from '@exgate/testing';
import { createKafka } from './client';
import { KafkaTradeLogReader, KafkaTradeLogWriter } from './logs';
import { ensureTopics } from './topics';

/**
 * A broker of its own (another port, same jars), stopped and started under a writer and a
 * reader: publishes made while it is down complete once it is back, and the reader, restarted
 * by kafkajs, delivers everything — nothing lost. A handler whose own publish gives up while the
 * broker is down (the aggregator's candle topic) gets its group again once the broker is back.
 */
const run = promisify(execFile);
const port = 29100 + (process.pid % 400) * 2;
const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_HEAP: '-Xmx384m -Xms128m' };
const broker = (command: 'start' | 'stop') =>
  run('bash', [path.join(repoRoot, 'deploy', 'local', 'kafka.sh'), command], { env, timeout: 180_000 });

function batch(id: number): TradeBatch {
  const trade = {
    exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade' as const, id, firstTradeId: id * 3,
    lastTradeId: id * 3 + 2, price: '63943.90', qty: '0.003', isBuyerMaker: id % 2 === 0, market: true,
    exchangeTimeMs: 1721347022956 + id, eventTimeMs: 1721347022960 + id, receivedAtMs: 1721347022990 + id,
  };
  return { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', trades: [trade], watermarkMs: trade.exchangeTimeMs, gap: null };
}

describe('Kafka broker restart', () => {
  jest.setTimeout(240_000);

  beforeAll(() => broker('start'));
  afterAll(async () => {
    await broker('stop');
    await rm(path.join(repoRoot, '.local', 'kafka', String(port)), { recursive: true, force: true });
  });

  // Long enough to ride out a restart of a JVM broker.
  const patient = () => createKafka({
    brokers: [`127.0.0.1:${port}`], clientId: 'restart-test', logger: silentLogger(),
    retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 3000 },
  });
  const topicsOf = async (kafka: Kafka, ...topics: string[]) => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { partitions: 2, topics });
    await admin.disconnect();
  };

  it('completes publishes made while the broker is down and delivers every batch once it is back', async () => {
    const kafka = patient();
    const topic = uniqueName('restart');
    await topicsOf(kafka, topic);

    const writer = new KafkaTradeLogWriter({ kafka, topic });
    const seen = new Set<number>();
    let allSeen!: () => void;
    const everything = new Promise<void>((resolve) => (allSeen = resolve));
    const reader = new KafkaTradeLogReader({ kafka, topic, groupId: uniqueName('g'), logger: silentLogger(), maxWaitTimeMs: 100 });
    const reading = reader.run(async (group) => {
      for (const t of group.flatMap((d) => d.batch.trades)) seen.add(t.id);
      if (seen.size === 20) allSeen();
    });

    for (let id = 1; id <= 10; id++) await writer.publish([batch(id)]);
    await broker('stop');
    const whileDown = (async () => {
      for (let id = 11; id <= 20; id++) await writer.publish([batch(id)]);
    })();
    await broker('start');
    await whileDown;
    await everything;
    await reader.close();
    await reading;
    await writer.close();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('delivers a group again when its handler could not publish while the broker was down', async () => {
    const kafka = patient();
    const [input, output] = [uniqueName('in'), uniqueName('out')];
    await topicsOf(kafka, input, output);
    const writer = new KafkaTradeLogWriter({ kafka, topic: input });
    // The handler's own publish gives up within a second, as a publish outlived by an outage does.
    const hasty = createKafka({ brokers: [`127.0.0.1:${port}`], clientId: 'restart-hasty', logger: silentLogger(), retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } });
    const onward = new KafkaTradeLogWriter({ kafka: hasty, topic: output });
    const done: number[] = [];
    let failures = 0;
    let entered!: () => void;
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    let stopped!: () => void;
    const brokerDown = new Promise<void>((resolve) => (stopped = resolve));
    const reader = new KafkaTradeLogReader({
      kafka, topic: input, groupId: uniqueName('g'), logger: silentLogger(), maxWaitTimeMs: 100,
      handlerRetry: { attempts: 30, firstDelayMs: 500, maxDelayMs: 2000 },
    });
    const reading = reader.run(async (group) => {
      const batches = group.map((d) => d.batch);
      if (batches.some((b) => b.trades[0]!.id === 11) && failures === 0) {
        entered();
        await brokerDown;
      }
      try {
        await onward.publish(batches);
      } catch (e) {
        failures++;
        throw e;
      }
      done.push(...batches.flatMap((b) => b.trades.map((t) => t.id)));
    });

    for (let id = 1; id <= 10; id++) await writer.publish([batch(id)]);
    await eventually(async () => done.length === 10, { what: 'the first ten batches', timeoutMs: 30_000 });
    await writer.publish(Array.from({ length: 10 }, (_, i) => batch(11 + i)));
    await inFlight;
    await broker('stop');
    stopped();
    await eventually(async () => failures > 0, { what: 'the handler to fail', timeoutMs: 30_000 });
    await broker('start');
    await eventually(async () => done.length >= 20, { what: 'every batch through', timeoutMs: 120_000, intervalMs: 200 });
    await reader.close();
    await reading;
    await Promise.all([writer.close(), onward.close()]);
    // Committed only after a handler finished: nothing skipped, and the group that failed came again whole.
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(failures).toBeGreaterThan(0);
  });
});
