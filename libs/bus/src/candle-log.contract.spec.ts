import type { Kafka } from 'kafkajs';
import type { Candle } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { fixtureLines, kafkaBrokers, uniqueName } from '@exgate/testing';
import { createKafka } from './kafka/client';
import { KafkaCandleLogReader, KafkaCandleLogWriter } from './kafka/logs';
import { ensureTopics } from './kafka/topics';
import { MemoryCandleLog } from './memory/logs';
import type { CandleLogReader, CandleLogWriter } from './ports';

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
  await ensureTopics(admin, { partitions: 4, topics: [topic] });
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

/** Binance's own 1m klines of the fixture window, as closed exgate candles. */
function fixtureCandles(): Candle[] {
  return fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv')
    .slice(1)
    .map((line, i) => {
      const [openTime, open, high, low, close, volume, closeTime, quoteVolume, count, takerBuyVolume, takerBuyQuoteVolume] =
        line.split(',') as [string, string, string, string, string, string, string, string, string, string, string];
      return {
        exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', openTimeMs: Number.parseInt(openTime, 10),
        closeTimeMs: Number.parseInt(closeTime, 10), open, high, low, close, volume, quoteVolume,
        takerBuyVolume, takerBuyQuoteVolume, tradeCount: Number.parseInt(count, 10),
        firstTradeId: i === 0 ? null : 5182000000 + i * 1000, lastTradeId: i === 0 ? null : 5182000999 + i * 1000,
        gapFree: i !== 0, state: 'closed', version: 1,
      };
    });
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
    const deliveries: (readonly Candle[])[] = [];
    let reached!: () => void;
    const done = new Promise<void>((resolve) => (reached = resolve));
    const reader = log.reader(groupId);
    const run = reader.run(async (candles) => {
      if (fail?.(deliveries.length)) throw new Error('store write failed');
      deliveries.push(candles);
      if (deliveries.flat().length >= n) reached();
    });
    await Promise.race([done, run]);
    await reader.close();
    await run;
    return deliveries;
  }

  it('delivers candles unchanged, one delivery per exchange:symbol:interval, in publish order per key', async () => {
    const writer = log.writer();
    await writer.publish([...oneMinute, ...otherInterval]);
    await writer.publish(corrected);
    const deliveries = await consume(uniqueName('g'), oneMinute.length + otherInterval.length + corrected.length);
    for (const d of deliveries) expect(new Set(d.map((c) => `${c.symbol}:${c.interval}`)).size).toBe(1);
    const all = deliveries.flat();
    expect(all.filter((c) => c.interval === '1m')).toEqual([...oneMinute, ...corrected]);
    expect(all.filter((c) => c.interval === '3m')).toEqual(otherInterval);
  });

  it('delivers a delivery again to the group when the handler failed on it', async () => {
    await log.writer().publish(oneMinute.slice(0, 2));
    await log.writer().publish(oneMinute.slice(2, 4));
    const group = uniqueName('g');
    const reader = log.reader(group);
    const failed = reader.run(async () => {
      throw new Error('store write failed');
    });
    await expect(failed).rejects.toThrow('store write failed');
    const deliveries = await consume(group, 4);
    expect(deliveries).toEqual([oneMinute.slice(0, 2), oneMinute.slice(2, 4)]);
  });
});
