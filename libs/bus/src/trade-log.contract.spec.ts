import { Partitioners, type Kafka } from 'kafkajs';
import type { Trade, TradeBatch } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import { silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines, kafkaBrokers, uniqueName } from '@exgate/testing';
import { createKafka } from './kafka/client';
import { KafkaTradeLogReader, KafkaTradeLogWriter } from './kafka/logs';
import { ensureTopics } from './kafka/topics';
import { MemoryTradeLog } from './memory/logs';
import type { HandlerRetry, OnHandlerRetry } from './handler-retry';
import type { ReaderHooks, TradeDelivery, TradeLogReader, TradeLogWriter } from './ports';

/** One contract, two logs: the in-memory one of the embedded mode and a real Kafka topic. */
interface Log {
  writer(): TradeLogWriter;
  reader(groupId: string, handlerRetry?: HandlerRetry, onHandlerRetry?: OnHandlerRetry): TradeLogReader;
  /** Bytes that are not a TradeBatch, as a foreign producer could write them. */
  appendGarbage(key: string): Promise<void>;
  /** Resolves once the group has begun a rebalance (Kafka: the coordinator says so). */
  rebalanceStarted(groupId: string): Promise<void>;
  close(): Promise<void>;
}

const PARTITIONS = 4;

/** Readers a failed test left running are closed with the log, before the next test. */
const openReaders: TradeLogReader[] = [];
function track(reader: TradeLogReader): TradeLogReader {
  openReaders.push(reader);
  return reader;
}
async function closeReaders(): Promise<void> {
  await Promise.all(openReaders.splice(0).map((r) => r.close().catch(() => {})));
}

async function kafkaLog(): Promise<Log> {
  const kafka: Kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'bus-contract', logger: silentLogger() });
  const topic = uniqueName('trades');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { partitions: PARTITIONS, topics: [topic] });
  const writers: TradeLogWriter[] = [];
  const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  return {
    writer: () => {
      const w = new KafkaTradeLogWriter({ kafka, topic });
      writers.push(w);
      return w;
    },
    reader: (groupId, handlerRetry, onHandlerRetry) =>
      track(
        new KafkaTradeLogReader({
          kafka, topic, groupId, logger: silentLogger(), ...(handlerRetry ? { handlerRetry } : {}), ...(onHandlerRetry ? { onHandlerRetry } : {}),
          // Quick rebalances: a test waits for the group to settle.
          sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, maxWaitTimeMs: 100,
        }),
      ),
    appendGarbage: async (key) => {
      await raw.connect();
      await raw.send({ topic, messages: [{ key, value: Buffer.from('not protobuf \xff\xff\xff') }] });
    },
    rebalanceStarted: async (groupId) => {
      // Within jest's 30 s, so a rebalance that never starts fails with this message.
      await eventually(async () => (await admin.describeGroups([groupId])).groups[0]?.state === 'PreparingRebalance', {
        what: `group ${groupId} to start rebalancing`, timeoutMs: 20_000,
      });
    },
    close: async () => {
      await closeReaders();
      for (const w of writers) await w.close();
      await raw.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    },
  };
}

async function memoryLog(): Promise<Log> {
  const log = new MemoryTradeLog({ partitions: PARTITIONS });
  return {
    writer: () => log.writer(),
    reader: (groupId, handlerRetry, onHandlerRetry) => track(log.reader({ groupId, ...(handlerRetry ? { handlerRetry } : {}), ...(onHandlerRetry ? { onHandlerRetry } : {}) })),
    appendGarbage: async (key) => log.log.append([{ key, value: new Uint8Array([0xff, 0xff, 0xff]) }]),
    // The in-memory group rebalances as soon as a member joins.
    rebalanceStarted: async () => {},
    close: closeReaders,
  };
}

/** Real prints: the Binance USDⓈ-M trade stream of the fixture, as the collector maps them. */
function fixtureTrades(symbol: 'btcusdt' | 'ethusdt', count: number): Trade[] {
  return fixtureLines('binance', 'usdm-trades-2024-07-18', `${symbol}-trade-stream.jsonl`)
    .slice(0, count)
    .map((line) => {
      const d = (JSON.parse(line) as { data: Record<string, unknown> }).data;
      return {
        exchange: 'binance-usdm', symbol: d.s as string, kind: 'trade', id: d.t as number,
        firstTradeId: d.t as number, lastTradeId: d.t as number, price: d.p as string, qty: d.q as string,
        isBuyerMaker: d.m as boolean, market: d.X === 'MARKET', exchangeTimeMs: d.T as number,
        eventTimeMs: d.E as number, receivedAtMs: (d.E as number) + 7,
      };
    });
}

/** The trades cut into batches of `size`, each with the watermark the collector would give it. */
function batchesOf(trades: Trade[], size: number): TradeBatch[] {
  const out: TradeBatch[] = [];
  for (let i = 0; i < trades.length; i += size) {
    const part = trades.slice(i, i + size);
    out.push({
      exchange: part[0]!.exchange, symbol: part[0]!.symbol, kind: 'trade', trades: part,
      watermarkMs: part[part.length - 1]!.exchangeTimeMs,
      gap: i === size ? { fromMs: part[0]!.exchangeTimeMs - 1000, toMs: part[0]!.exchangeTimeMs - 1 } : null,
    });
  }
  return out;
}

const idOf = (b: TradeBatch) => `${b.symbol}:${b.trades[0]!.id}`;

/** Conditions a test awaits; re-checked whenever anything happens (a delivery, a hook). */
class Signal {
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  check(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }
  until(test: () => boolean): Promise<void> {
    return test() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

/** Records a reader's deliveries. */
class Inbox {
  readonly deliveries: TradeDelivery[] = [];
  /** The groups as they were handed over. */
  readonly groups: (readonly TradeDelivery[])[] = [];
  constructor(private readonly signal: Signal) {}

  push(group: readonly TradeDelivery[]): void {
    this.groups.push(group);
    this.deliveries.push(...group);
    this.signal.check();
  }
  batches(): TradeBatch[] {
    return this.deliveries.map((d) => d.batch);
  }
}

/** Tracks the partitions a reader owns, through its hooks. */
function ownership(signal: Signal): { owned: Set<number>; hooks: ReaderHooks } {
  const owned = new Set<number>();
  return {
    owned,
    hooks: {
      onAssigned: async (ps) => {
        ps.forEach((p) => owned.add(p));
        signal.check();
      },
      onRevoked: async (ps) => {
        ps.forEach((p) => owned.delete(p));
        signal.check();
      },
    },
  };
}

describe.each([
  { name: 'memory', open: memoryLog },
  { name: 'kafka', open: kafkaLog },
])('TradeLog contract: $name', ({ open }) => {
  let log: Log;
  const btc = batchesOf(fixtureTrades('btcusdt', 120), 10);
  const eth = batchesOf(fixtureTrades('ethusdt', 90), 15);

  let signal: Signal;

  beforeEach(async () => {
    log = await open();
    signal = new Signal();
  });
  afterEach(() => log.close());

  it('delivers every batch unchanged, in publish order per stream key', async () => {
    const writer = log.writer();
    for (let i = 0; i < Math.max(btc.length, eth.length); i++) {
      await writer.publish([btc[i], eth[i]].filter((b): b is TradeBatch => b !== undefined));
    }
    const inbox = new Inbox(signal);
    const reader = log.reader(uniqueName('g'));
    const done = reader.run(async (g) => inbox.push(g));
    await signal.until(() => inbox.deliveries.length >= btc.length + eth.length);
    await reader.close();
    await done;

    const got = inbox.batches();
    expect(got.filter((b) => b.symbol === 'BTCUSDT')).toEqual(btc);
    expect(got.filter((b) => b.symbol === 'ETHUSDT')).toEqual(eth);
    const btcDeliveries = inbox.deliveries.filter((d) => d.batch.symbol === 'BTCUSDT');
    expect(new Set(btcDeliveries.map((d) => d.partition)).size).toBe(1);
    const offsets = btcDeliveries.map((d) => BigInt(d.lastOffset));
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('hands over what was fetched together as one group, and commits a group only once the handler finished it: a failed group comes again whole', async () => {
    const writer = log.writer();
    await writer.publish(btc.slice(0, 3));
    const group = uniqueName('g');
    const readThree = async () => {
      const inbox = new Inbox(signal);
      const reader = log.reader(group);
      const run = reader.run(async (g) => inbox.push(g));
      await signal.until(() => inbox.deliveries.length >= 3);
      await reader.close();
      await run;
      return inbox.batches();
    };
    expect(await readThree()).toEqual(btc.slice(0, 3));

    await writer.publish(btc.slice(3, 6));
    const failing = new Inbox(signal);
    const second = log.reader(group);
    const boom = new Error('store write failed');
    const secondRun = second.run(async (g) => {
      failing.push(g);
      throw boom;
    });
    await expect(secondRun).rejects.toBe(boom);
    // One group held all three (one stream, one partition, appended before the reader came).
    expect(failing.groups.map((g) => g.map((d) => d.batch))).toEqual([btc.slice(3, 6)]);

    expect(await readThree()).toEqual(btc.slice(3, 6));
  });

  it('rides out a passing failure: the uncommitted group comes again after a pause, and delivery goes on', async () => {
    const writer = log.writer();
    await writer.publish(btc.slice(0, 3));
    const inbox = new Inbox(signal);
    let calls = 0;
    const told: [string, number, number][] = [];
    const reader = log.reader(uniqueName('g'), { attempts: 3, firstDelayMs: 50, maxDelayMs: 100 }, (e, inARow, delayMs) => told.push([(e as ExgateError).code, inARow, delayMs]));
    const run = reader.run(async (g) => {
      // The store away for the first two writes.
      if (++calls <= 2) throw new ExgateError('STORE_UNAVAILABLE', 'the store is restarting');
      inbox.push(g);
    });
    await signal.until(() => inbox.deliveries.length >= 3);
    await writer.publish(btc.slice(3, 5));
    await signal.until(() => inbox.deliveries.length >= 5);
    await reader.close();
    await run;
    expect(calls).toBe(2 + inbox.groups.length);
    expect(told).toEqual([['STORE_UNAVAILABLE', 1, 50], ['STORE_UNAVAILABLE', 2, 100]]);
    expect(inbox.batches()).toEqual(btc.slice(0, 5));
  });

  it('stops after too many passing failures in a row, with the last error', async () => {
    await log.writer().publish(btc.slice(0, 2));
    let calls = 0;
    const reader = log.reader(uniqueName('g'), { attempts: 2, firstDelayMs: 20, maxDelayMs: 20 });
    const failure = new ExgateError('BUS_UNAVAILABLE', 'the broker is down');
    await expect(reader.run(async () => {
      calls++;
      throw failure;
    })).rejects.toBe(failure);
    expect(calls).toBe(3);
  });

  it('splits the partitions between two readers of a group, which together see every batch exactly once', async () => {
    const group = uniqueName('g');
    const a = new Inbox(signal);
    const b = new Inbox(signal);
    const ownA = ownership(signal);
    const ownB = ownership(signal);
    const readerA = log.reader(group);
    const runA = readerA.run(async (g) => a.push(g), ownA.hooks);
    await signal.until(() => ownA.owned.size === PARTITIONS);
    const readerB = log.reader(group);
    const runB = readerB.run(async (g) => b.push(g), ownB.hooks);
    const settled = () =>
      ownA.owned.size > 0 && ownB.owned.size > 0 && ownA.owned.size + ownB.owned.size === PARTITIONS &&
      [...ownA.owned].every((p) => !ownB.owned.has(p));
    await signal.until(settled);

    // Enough stream keys to land on every partition.
    const symbols = Array.from({ length: 16 }, (_, i) => `SYM${i}USDT`);
    const published = symbols.flatMap((symbol) =>
      btc.slice(0, 3).map((batch) => ({ ...batch, symbol, trades: batch.trades.map((t) => ({ ...t, symbol })) })),
    );
    await log.writer().publish(published);
    const all = () => a.deliveries.length + b.deliveries.length >= published.length;
    await signal.until(all);
    await Promise.all([readerA.close(), readerB.close()]);
    await Promise.all([runA, runB]);

    expect(a.deliveries.length).toBeGreaterThan(0);
    expect(b.deliveries.length).toBeGreaterThan(0);
    expect(a.deliveries.every((d) => !ownB.owned.has(d.partition))).toBe(true);
    const seen = [...a.batches(), ...b.batches()].map(idOf).sort();
    expect(seen).toEqual(published.map(idOf).sort());
  });

  it('lets a delivery in flight finish and commit when its partition moves: nothing lost, nothing repeated', async () => {
    await log.writer().publish(btc.slice(0, 4));
    const group = uniqueName('g');
    const a = new Inbox(signal);
    const b = new Inbox(signal);
    let entered = false;
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const readerA = log.reader(group);
    const runA = readerA.run(async (g) => {
      if (!entered) {
        entered = true;
        signal.check();
        await blocked;
      }
      a.push(g);
    });
    await signal.until(() => entered);
    const readerB = log.reader(group);
    const runB = readerB.run(async (g) => b.push(g));
    await log.rebalanceStarted(group);
    unblock();
    await signal.until(() => a.deliveries.length + b.deliveries.length >= 4);
    await Promise.all([readerA.close(), readerB.close()]);
    await Promise.all([runA, runB]);
    expect(a.batches()[0]).toEqual(btc[0]);
    expect([...a.batches(), ...b.batches()].map(idOf).sort()).toEqual(btc.slice(0, 4).map(idOf).sort());
  });

  it('tells the reader which partitions it owns, and takes them back on close', async () => {
    const inbox = new Inbox(signal);
    const { owned, hooks } = ownership(signal);
    const revoked: number[][] = [];
    const reader = log.reader(uniqueName('g'));
    const run = reader.run(async (g) => inbox.push(g), {
      onAssigned: hooks.onAssigned,
      onRevoked: async (ps) => {
        revoked.push([...ps].sort());
        await hooks.onRevoked!(ps);
      },
    });
    await signal.until(() => owned.size === PARTITIONS);
    await reader.close();
    await run;
    expect(revoked).toEqual([[0, 1, 2, 3]]);
    expect(owned.size).toBe(0);
  });

  it('skips a message that is not a TradeBatch and goes on with the next', async () => {
    await log.appendGarbage('binance-usdm:BTCUSDT');
    await log.writer().publish([btc[0]!]);
    const inbox = new Inbox(signal);
    const reader = log.reader(uniqueName('g'));
    const run = reader.run(async (g) => inbox.push(g));
    await signal.until(() => inbox.deliveries.length >= 1);
    await reader.close();
    await run;
    expect(inbox.batches()).toEqual([btc[0]]);
  });
});
