import pino from 'pino';
import { ensureTopics, topicConfigDrift } from '@exgate/bus';
import type { TradeBatch } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { kafkaBrokers, natsUrl, uniqueName } from '@exgate/testing';
import { connectDistributedBus, namespaced, type DistributedBus } from './bus';

const busConfig = (namespace: string, partitions = 2) => ({
  KAFKA_BROKERS: kafkaBrokers(), KAFKA_CLIENT_ID: 'exgate-test', KAFKA_PARTITIONS: partitions, NATS_URL: natsUrl(), EXGATE_NAMESPACE: namespace,
});

/** Resolves with the first value `listen` hands over. */
function first<T>(listen: (deliver: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve) => listen(resolve));
}

describe('the distributed bus on the real Kafka', () => {
  const namespace = uniqueName('ns-session');
  const buses: DistributedBus[] = [];
  let release = () => {};

  afterAll(async () => {
    release();
    for (const bus of buses) await bus.close();
    const admin = buses[0]?.kafka.admin();
    if (admin) {
      await admin.connect();
      const names = namespaced(namespace);
      await admin.deleteTopics({ topics: [names.tradesTopic, names.candlesTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('hands a silent member’s partitions on within the session timeout it was given', async () => {
    // Two replicas of one group, each with its own Kafka client, as two aggregator pods.
    const a = await connectDistributedBus(busConfig(namespace), silentLogger(), 'a');
    buses.push(a);
    const b = await connectDistributedBus(busConfig(namespace), silentLogger(), 'b');
    buses.push(b);
    const tuning = { sessionTimeoutMs: 6000 };

    // Member A takes both partitions, then freezes inside a delivery: its consumer sends no more
    // heartbeats and never leaves the group, as a SIGKILLed or frozen process would look to Kafka.
    const readerA = a.tradeReader('aggregator', tuning);
    const frozen = new Promise<void>((resolve) => (release = resolve));
    let frozenAt = 0;
    const enteredA = first<void>((deliver) => {
      void readerA.run(async () => {
        frozenAt = Date.now();
        deliver();
        await frozen;
      }, {}).catch(() => undefined);
    });
    const batch: TradeBatch = { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade', trades: [], watermarkMs: 1_700_000_000_000, gap: null };
    await a.tradeWriter().publish([batch]);
    await enteredA;

    // Member B joins; it gets the uncommitted batch once the broker has given up on A.
    const readerB = b.tradeReader('aggregator', tuning);
    const redelivered = first<TradeBatch>((deliver) => void readerB.run(async ([d]) => deliver(d!.batch)).catch(() => undefined));
    expect(await redelivered).toEqual(batch);
    const handedOnAfterMs = Date.now() - frozenAt;
    // A heartbeated last at most a heartbeat interval (2 s) before it froze, so not before 4 s; and
    // Kafka's default (30 s) would still be waiting for A, where 6 s plus a rebalance is under half that.
    expect(handedOnAfterMs).toBeGreaterThanOrEqual(3000);
    expect(handedOnAfterMs).toBeLessThan(15_000);
  }, 25_000);
});

describe('candle topics on the real Kafka', () => {
  it('reports a candle topic someone created without compaction, and leaves it alone', async () => {
    const namespace = uniqueName('ns-by-hand');
    const names = namespaced(namespace);
    const warnings: { topic: string; msg: string; fix: string }[] = [];
    // exgate's own warnings. kafkajs logs through the same logger, and right after a topic is
    // created it may log a metadata error it then retries ("does not host this topic-partition").
    const record = (entry: { component?: string }) => entry.component !== 'kafkajs' && warnings.push(entry as (typeof warnings)[number]);
    const logger = pino({ level: 'warn' }, { write: (line: string) => void record(JSON.parse(line) as { component?: string }) });
    const first = await connectDistributedBus(busConfig(namespace), silentLogger(), 'first', { kafka: false });
    const admin = first.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, { partitions: 1, topics: [names.candlesTopic] }); // made by hand: delete policy
      const bus = await connectDistributedBus({ ...busConfig(namespace), KAFKA_CANDLES_JSON: true }, logger, 'second');
      await bus.close();
      expect(warnings).toEqual([expect.objectContaining({
        topic: names.candlesTopic,
        msg: expect.stringContaining('not compacted') as string,
        fix: `kafka-configs.sh --alter --entity-type topics --entity-name ${names.candlesTopic} --add-config cleanup.policy=compact`,
      })]);
      expect(await topicConfigDrift(admin, names.candlesTopic, { 'cleanup.policy': 'delete' })).toEqual({});
      // The JSON topic did not exist: created compacted, so nothing to report.
      expect(warnings.map((w) => w.topic)).not.toContain(names.candlesJsonTopic);
    } finally {
      await admin.deleteTopics({ topics: [names.tradesTopic, names.candlesTopic, names.candlesJsonTopic] }).catch(() => undefined);
      await admin.disconnect();
      await first.close();
    }
  });
});

describe('event subjects inside a namespace, on the real NATS', () => {
  const buses: DistributedBus[] = [];
  const open = async (namespace: string) => {
    const bus = await connectDistributedBus(busConfig(namespace), silentLogger(), 'events', { kafka: false });
    buses.push(bus);
    return bus;
  };
  afterAll(async () => {
    for (const bus of buses) await bus.close();
  });

  it('keeps two namespaces apart on one NATS and joins buses of the same one', async () => {
    const red = uniqueName('red');
    const [red1, red2, blue, plain] = [await open(red), await open(red), await open(uniqueName('blue')), await open('')];
    // Other runs may share this NATS without a namespace: a subject of our own keeps them out.
    const subject = `exgate.ticks.${uniqueName('exchange')}`;
    const heard = new Map<string, string[]>();
    for (const [name, bus] of Object.entries({ red1, red2, blue, plain })) {
      heard.set(name, []);
      const pattern = bus === plain ? subject : 'exgate.ticks.*';
      bus.events.subscribe(pattern, (payload, s) => heard.get(name)!.push(`${s}=${Buffer.from(payload).toString('utf8')}`));
    }
    // What is on the wire: the namespace in front of the plain subject.
    const wire: string[] = [];
    const raw = plain.nats.subscribe(`${red}.exgate.ticks.*`, { callback: (_e, m) => wire.push(m.subject) });
    for (const bus of [red1, red2, blue, plain]) await bus.nats.flush();

    const say = (text: string) => new TextEncoder().encode(text);
    red1.events.publish(subject, say('red'));
    blue.events.publish(subject, say('blue'));
    plain.events.publish(subject, say('plain'));
    for (const bus of [red1, blue, plain]) await bus.events.flush();
    // A round trip through the server after the publishes: what was coming has been delivered.
    for (const bus of [red1, red2, blue, plain]) await bus.nats.flush();
    raw.unsubscribe();

    // Handlers see the plain subject; only the same namespace hears it.
    expect(heard.get('red1')).toEqual([`${subject}=red`]);
    expect(heard.get('red2')).toEqual([`${subject}=red`]);
    expect(heard.get('blue')).toEqual([`${subject}=blue`]);
    expect(heard.get('plain')).toEqual([`${subject}=plain`]);
    expect(wire).toEqual([`${red}.${subject}`]);
  });
});
