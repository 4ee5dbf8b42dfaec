import type { Kafka } from 'kafkajs';
import { encodeCandle } from '@exgate/proto';
import { silentLogger } from '@exgate/runtime';
import { kafkaBrokers, uniqueName } from '@exgate/testing';
import { createKafka } from './kafka/client';
import { candleMessageKey } from './codec';
import { KafkaCandleLogReader, KafkaCandleLogWriter } from './kafka/logs';
import { CANDLE_TOPIC_CONFIGS, ensureTopics } from './kafka/topics';
import { MemoryCandleLog } from './memory/logs';
import { fixtureCandles } from './testing';
import type { CandleDelivery, CandleLogReader, CandleLogWriter } from './ports';

/** One contract, two logs: the in-memory candles topic and a real Kafka topic. */
interface Log {
  writer(): CandleLogWriter;
  reader(groupId: string): CandleLogReader;
  close(): Promise<void>;
}

const opened: CandleLogReader[] = [];
const track = (r: CandleLogReader) => (opened.push(r), r);
const closeReaders = async () => {
  await Promise.all(opened.splice(0).map((r) => r.close().catch(() => {})));
};

async function kafkaLog(): Promise<Log> {
  const kafka: Kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'candle-contract', logger: silentLogger() });
  const topic = uniqueName('candles');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { partitions: 4, topics: [topic], configs: CANDLE_TOPIC_CONFIGS });
  const writers: CandleLogWriter[] = [];
  return {
    writer: () => {
      const w = new KafkaCandleLogWriter({ kafka, topic });
      writers.push(w);
      return w;
    },
    reader: (groupId) =>
      track(new KafkaCandleLogReader({ kafka, topic, groupId, logger: silentLogger(), heartbeatIntervalMs: 100, maxWaitTimeMs: 100 })),
    close: async () => {
      await closeReaders();
      for (const w of writers) await w.close();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    },
  };
}

async function memoryLog(): Promise<Log> {
  const log = new MemoryCandleLog({ partitions: 4 });
  return { writer: () => log.writer(), reader: (groupId) => track(log.reader({ groupId })), close: closeReaders };
}

describe.each([
  { name: 'memory', open: memoryLog },
  { name: 'kafka', open: kafkaLog },
])('CandleLog contract: $name', ({ open }) => {
  let log: Log;
  const oneMinute = fixtureCandles();
  const corrected = oneMinute.slice(0, 3).map((c) => ({ ...c, state: 'corrected' as const, version: 2 }));
  const otherInterval = oneMinute.slice(0, 4).map((c) => ({ ...c, interval: '3m' as const }));

  beforeEach(async () => {
    log = await open();
  });
  afterEach(() => log.close());

  /** Runs a reader until `n` candles arrived; returns its deliveries. */
  async function consume(groupId: string, n: number, fail?: (delivery: number) => boolean) {
    const deliveries: CandleDelivery[] = [];
    let reached!: () => void;
    const done = new Promise<void>((resolve) => (reached = resolve));
    const reader = log.reader(groupId);
    const run = reader.run(async (delivery) => {
      if (fail?.(deliveries.length)) throw new Error('store write failed');
      deliveries.push(delivery);
      if (deliveries.length >= n) reached();
    });
    await Promise.race([done, run]);
    await reader.close();
    await run;
    return deliveries;
  }

  it('delivers candles unchanged, one per message keyed per candle, in publish order per series, a series in one partition', async () => {
    const writer = log.writer();
    await writer.publish([...oneMinute, ...otherInterval]);
    await writer.publish(corrected);
    const deliveries = await consume(uniqueName('g'), oneMinute.length + otherInterval.length + corrected.length);
    for (const d of deliveries) expect(d.key).toBe(candleMessageKey(d.candle));
    const of = (interval: string) => deliveries.filter((d) => d.candle.interval === interval);
    expect(of('1m')[0]!.key).toBe(`binance-usdm:BTCUSDT:1m:${oneMinute[0]!.openTimeMs}`);
    expect(of('1m').map((d) => d.candle)).toEqual([...oneMinute, ...corrected]);
    expect(of('3m').map((d) => d.candle)).toEqual(otherInterval);
    expect(new Set(of('1m').map((d) => d.partition)).size).toBe(1);
    expect(new Set(of('3m').map((d) => d.partition)).size).toBe(1);
  });

  it('delivers a message again to the group when the handler failed on it', async () => {
    await log.writer().publish(oneMinute.slice(0, 2));
    await log.writer().publish(oneMinute.slice(2, 4));
    const group = uniqueName('g');
    const reader = log.reader(group);
    const failed = reader.run(async () => {
      throw new Error('store write failed');
    });
    await expect(failed).rejects.toThrow('store write failed');
    const deliveries = await consume(group, 4);
    expect(deliveries.map((d) => d.candle)).toEqual(oneMinute.slice(0, 4));
  });

  it('writes the bytes a caller gives for each candle rather than encoding the candle again', async () => {
    const candles = oneMinute.slice(0, 2);
    // Bytes that are not the candles' own show which were written.
    const given = candles.map((c) => ({ ...c, version: c.version + 7 }));
    await log.writer().publish(candles, given.map((c) => encodeCandle(c)));
    const deliveries = await consume(uniqueName('g'), 2);
    expect(deliveries.map((d) => d.candle)).toEqual(given);
    expect(deliveries.map((d) => d.key)).toEqual(candles.map((c) => candleMessageKey(c)));
  });
});
