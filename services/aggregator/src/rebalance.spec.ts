import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Partitioners, type Admin, type Kafka, type PartitionMetadata } from 'kafkajs';
import {
  createKafka, ensureTopics, KafkaTradeLogReader, KafkaTradeLogWriter, MemoryCandleLog, MemoryEventBus,
} from '@exgate/bus';
import { INTERVALS, streamKey } from '@exgate/domain';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import { eventually, kafkaBrokers, uniqueName } from '@exgate/testing';
import { createAggregator, type Aggregator } from './aggregator';
import { batchesOf, fixturePrints, storedDifferences } from './testing/recovery';

const btc = fixturePrints('btcusdt-trade-stream.jsonl');
const eth = fixturePrints('ethusdt-trade-stream.jsonl');
const BTC = streamKey('binance-usdm', 'BTCUSDT');
const ETH = streamKey('binance-usdm', 'ETHUSDT');

/**
 * The fewest partitions that put the two streams on partitions of different parity: with two
 * members, kafkajs's round-robin assignment then gives each member one stream.
 */
function partitionCount(topic: string): number {
  const partitioner = Partitioners.DefaultPartitioner();
  for (let n = 2; ; n++) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }) as PartitionMetadata);
    const [a, b] = [BTC, ETH].map((key) => partitioner({ topic, partitionMetadata, message: { key, value: null } }));
    if (a! % 2 !== b! % 2) return n;
  }
}

describe('two aggregators in one consumer group on a real Kafka', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let dataDir: string;
  let store: ClickHouseMarketStore;
  const groupId = uniqueName('aggregators');
  const running: Aggregator[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'aggregator-rebalance', logger: silentLogger() });
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('trades');
    await ensureTopics(admin, { partitions: partitionCount(topic), topics: [topic] });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-aggregator-rebalance-'));
    store = await openStore({ kind: 'embedded', dataDir });
  });

  afterAll(async () => {
    for (const a of running) await a.stop();
    await store.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await rm(dataDir, { recursive: true, force: true });
  });

  function aggregator(): Aggregator {
    const a = createAggregator({
      tradeLog: new KafkaTradeLogReader({
        kafka, topic, groupId, logger: silentLogger(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, maxWaitTimeMs: 100,
      }),
      store, candleLog: new MemoryCandleLog().writer(), events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(),
      config: { intervals: INTERVALS, graceMs: 5_000, liveUpdates: false },
    });
    running.push(a);
    return a;
  }

  /** The group is stable with `members` members (each has its partitions). */
  async function stable(members: number): Promise<void> {
    await eventually(async () => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === members;
    }, { what: `a stable group of ${members}`, timeoutMs: 60_000, intervalMs: 25 });
  }

  /** The group has committed everything written, and is still stable with `members` members. */
  async function consumed(members: number): Promise<void> {
    await eventually(async () => {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
      return ends.every((e) => done.get(e.partition) === e.high);
    }, { what: 'the group to consume everything written', timeoutMs: 60_000, intervalMs: 25 });
    await stable(members);
  }

  it('hands streams over when a second instance joins and when one leaves; every candle stays exact', async () => {
    const writer = new KafkaTradeLogWriter({ kafka, topic });
    const [btcBatches, ethBatches] = [batchesOf(btc, 300), batchesOf(eth, 300)];
    const third = (b: typeof btcBatches, i: number) => b.slice(Math.floor((b.length * i) / 3), Math.floor((b.length * (i + 1)) / 3));
    const publish = (i: number) => writer.publish([...third(btcBatches, i), ...third(ethBatches, i)]);
    try {
      const first = aggregator();
      await first.start();
      await publish(0);
      await consumed(1);
      expect(first.streams).toEqual(new Set([BTC, ETH]));

      // A second member: one stream moves to it, mid-candle, and is rebuilt there from the store.
      const second = aggregator();
      await second.start();
      await stable(2);
      await publish(1);
      await consumed(2);
      expect(first.streams.size).toBe(1);
      expect(second.streams.size).toBe(1);
      expect(new Set([...first.streams, ...second.streams])).toEqual(new Set([BTC, ETH]));

      // The first leaves: the second takes its stream too.
      await first.stop();
      running.splice(running.indexOf(first), 1);
      await stable(1);
      await publish(2);
      await consumed(1);
      expect(second.streams).toEqual(new Set([BTC, ETH]));
    } finally {
      await writer.close();
    }
    expect(await storedDifferences(store, btc, INTERVALS)).toEqual([]);
    expect(await storedDifferences(store, eth, INTERVALS)).toEqual([]);
  }, 180_000);
});
