import type { Admin, Kafka } from 'kafkajs';
import type { Candle } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { eventually, kafkaBrokers, uniqueName } from '@exgate/testing';
import { candleFromJson } from '../candle-json';
import { candleMessageKey } from '../codec';
import { fixtureCandles, lastPerKey, latestVersions, readCandleTopic } from '../testing';
import { createKafka } from './client';
import { KafkaCandleLogWriter } from './logs';
import { CANDLE_TOPIC_CONFIGS, ensureTopics, topicConfigDrift } from './topics';

jest.setTimeout(180_000);

/**
 * The candle topics as downstream consumers see them, on the real broker: compacted to the latest
 * version of every candle, the JSON variant carrying the same values.
 */
const kafka: Kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'candle-topic-spec', logger: silentLogger() });
let admin: Admin;
const topics: string[] = [];

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

/** Compaction as in production, but segments roll at once and any dirt is worth cleaning. */
const EAGER = { ...CANDLE_TOPIC_CONFIGS, 'segment.ms': '100', 'min.compaction.lag.ms': '0', 'min.cleanable.dirty.ratio': '0.01' };

async function candleTopics(partitions: number): Promise<{ topic: string; jsonTopic: string }> {
  const topic = uniqueName('candles');
  const jsonTopic = uniqueName('candles-json');
  topics.push(topic, jsonTopic);
  await ensureTopics(admin, { partitions, topics: [topic, jsonTopic], configs: EAGER });
  return { topic, jsonTopic };
}

describe('candle topics on the real broker', () => {
  const closed = fixtureCandles();
  const fiveMinutes = closed.slice(0, 10).map((c) => ({ ...c, interval: '5m' as const }));
  const corrected = closed.slice(0, 6).map((c) => ({ ...c, state: 'corrected' as const, version: 2, tradeCount: c.tradeCount + 1 }));
  const again = corrected.slice(0, 2).map((c) => ({ ...c, version: 3, close: '64000.10' }));
  const eth = { ...closed[0]!, symbol: 'ETHUSDT', open: '3400.01', high: '3400.01', low: '3400.01', close: '3400.01' };
  // A last candle of every series: each partition rolls the segment holding the earlier versions,
  // which only then can be compacted (the active segment never is).
  const later = (c: Candle, ms: number): Candle => ({ ...c, openTimeMs: c.openTimeMs + ms, closeTimeMs: c.closeTimeMs + ms });
  const last = [later(closed.at(-1)!, 60_000), later(fiveMinutes.at(-1)!, 300_000), later(eth, 60_000)];

  it('keeps the latest version of every candle: a late group reads exactly those, protobuf and JSON alike', async () => {
    const { topic, jsonTopic } = await candleTopics(3);
    const writer = new KafkaCandleLogWriter({ kafka, topic, jsonTopic });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    const steps = [[...closed, ...fiveMinutes, eth], corrected, again, last];
    for (const step of steps) {
      await writer.publish(step);
      await pause(); // past segment.ms: the next publish rolls the segment
    }
    await writer.close();
    const expected = latestVersions([...closed, ...fiveMinutes, eth, ...corrected, ...again, ...last]);
    expect(expected).toHaveLength(closed.length + fiveMinutes.length + 1 + last.length);
    expect(steps.flat().length).toBeGreaterThan(expected.length); // superseded versions to drop

    // Before and after compaction, keeping the last message per key gives the latest versions;
    // once the cleaner ran, the topic holds nothing else.
    await eventually(async () => (await readCandleTopic(kafka, admin, topic, 'protobuf')).length === expected.length, {
      what: 'the log cleaner compacted the topic to one message per candle', timeoutMs: 150_000, intervalMs: 2_000,
    });
    const proto = await readCandleTopic(kafka, admin, topic, 'protobuf');
    expect(lastPerKey(proto)).toEqual(expected);
    for (const d of proto) expect(d.key).toBe(candleMessageKey(d.candle));
    expect(proto.find((d) => d.candle.symbol === 'ETHUSDT')!.key).toBe(`binance-usdm:ETHUSDT:1m:${closed[0]!.openTimeMs}`);

    await eventually(async () => (await readCandleTopic(kafka, admin, jsonTopic, 'json')).length === expected.length, {
      what: 'the JSON topic compacted likewise', timeoutMs: 150_000, intervalMs: 2_000,
    });
    const json = await readCandleTopic(kafka, admin, jsonTopic, 'json');
    expect(lastPerKey(json)).toEqual(expected);
    // Same key, same partition in both topics: a series is one partition, whatever the encoding.
    const partitionOf = new Map(proto.map((d) => [d.key, d.partition]));
    for (const d of json) expect(d.partition).toBe(partitionOf.get(d.key));
  });

  it('writes JSON with the decimals as exact strings, readable by anything that parses JSON', async () => {
    const { topic, jsonTopic } = await candleTopics(1);
    const writer = new KafkaCandleLogWriter({ kafka, topic, jsonTopic });
    const candle = { ...closed[1]!, quoteVolume: '6489123.4567890123456789', close: '63946.30' };
    await writer.publish([candle]);
    await writer.close();
    const consumer = kafka.consumer({ groupId: uniqueName('script'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: jsonTopic, fromBeginning: true });
    const raw: { key: string; value: string }[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void raw.push({ key: String(message.key), value: String(message.value) }) });
    await eventually(() => raw.length === 1, { what: 'the JSON message' });
    await consumer.disconnect();
    expect(raw[0]!.key).toBe(`binance-usdm:BTCUSDT:1m:${candle.openTimeMs}`);
    const parsed = JSON.parse(raw[0]!.value) as Record<string, unknown>;
    expect(parsed).toMatchObject({ quote_volume: '6489123.4567890123456789', close: '63946.30', open_time: candle.openTimeMs, version: 1, state: 'closed' });
    expect(candleFromJson(parsed)).toEqual(candle);
  });

  it('reports a candle topic created beforehand without compaction', async () => {
    const topic = uniqueName('candles-by-hand');
    topics.push(topic);
    await ensureTopics(admin, { partitions: 1, topics: [topic] });
    expect(await topicConfigDrift(admin, topic, { 'cleanup.policy': 'compact' })).toEqual({ 'cleanup.policy': ['delete', 'compact'] });
    const { topic: made } = await candleTopics(1);
    expect(await topicConfigDrift(admin, made, { 'cleanup.policy': 'compact' })).toEqual({});
  });
});
