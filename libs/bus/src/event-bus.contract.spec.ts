import type { NatsConnection } from 'nats';
import { silentLogger } from '@exgate/runtime';
import { natsUrl, uniqueName } from '@exgate/testing';
import { MemoryEventBus } from './memory/event-bus';
import { connectNats } from './nats/connect';
import { NatsEventBus } from './nats/event-bus';
import type { EventBus } from './ports';

/** One contract, two buses: the in-memory one of the embedded mode and NATS core. */
interface Harness {
  readonly name: string;
  open(): Promise<{ publisher: EventBus; subscriber: EventBus; close(): Promise<void> }>;
}

const harnesses: Harness[] = [
  {
    name: 'memory',
    async open() {
      const bus = new MemoryEventBus();
      return { publisher: bus, subscriber: bus, close: () => bus.close() };
    },
  },
  {
    name: 'nats',
    async open() {
      // Two connections, as two services would have.
      const connections: NatsConnection[] = await Promise.all([
        connectNats({ url: natsUrl(), name: 'bus-test-pub', logger: silentLogger() }),
        connectNats({ url: natsUrl(), name: 'bus-test-sub', logger: silentLogger() }),
      ]);
      const [pub, sub] = connections.map((nc) => new NatsEventBus(nc, { logger: silentLogger(), ownsConnection: true }));
      return {
        publisher: pub!,
        subscriber: sub!,
        close: async () => {
          await pub!.close();
          await sub!.close();
        },
      };
    },
  },
];

/** Collects what a subscription receives; `next(n)` resolves once n messages arrived. */
function inbox(bus: EventBus, pattern: string) {
  const received: { subject: string; text: string }[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const unsubscribe = bus.subscribe(pattern, (payload, subject) => {
    received.push({ subject, text: Buffer.from(payload).toString('utf8') });
    if (waiter && received.length >= waiter.n) waiter.resolve();
  });
  return {
    received,
    unsubscribe,
    until: (n: number) =>
      received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve })),
  };
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe.each(harnesses)('EventBus contract: $name', (harness) => {
  let bus: Awaited<ReturnType<Harness['open']>>;
  let root: string;

  beforeEach(async () => {
    bus = await harness.open();
    root = uniqueName('t').replace(/[^A-Za-z0-9]/g, '');
  });
  afterEach(() => bus.close());

  it('delivers the payload bytes and the concrete subject to a literal subscription', async () => {
    const box = inbox(bus.subscriber, `${root}.ticks.binance-usdm`);
    await bus.subscriber.flush();
    bus.publisher.publish(`${root}.ticks.binance-usdm`, bytes('tick 1'));
    bus.publisher.publish(`${root}.ticks.binance-usdm`, bytes('tick 2'));
    await bus.publisher.flush();
    await box.until(2);
    expect(box.received).toEqual([
      { subject: `${root}.ticks.binance-usdm`, text: 'tick 1' },
      { subject: `${root}.ticks.binance-usdm`, text: 'tick 2' },
    ]);
  });

  it('honours * for one token and > for the rest, and nothing else', async () => {
    const star = inbox(bus.subscriber, `${root}.ticks.*`);
    const rest = inbox(bus.subscriber, `${root}.candles.>`);
    await bus.subscriber.flush();
    bus.publisher.publish(`${root}.ticks.binance-usdm.extra`, bytes('too deep for *'));
    bus.publisher.publish(`${root}.candles`, bytes('too short for >'));
    bus.publisher.publish(`${root}.candles.binance-usdm.BTCUSDT.1m`, bytes('candle'));
    bus.publisher.publish(`${root}.ticks.binance-usdm`, bytes('tick'));
    await bus.publisher.flush();
    // Order is kept per publisher: once the last ones arrived, the first two would have too.
    await Promise.all([star.until(1), rest.until(1)]);
    expect(star.received).toEqual([{ subject: `${root}.ticks.binance-usdm`, text: 'tick' }]);
    expect(rest.received).toEqual([{ subject: `${root}.candles.binance-usdm.BTCUSDT.1m`, text: 'candle' }]);
  });

  it('stops delivering to a subscription once unsubscribed, and keeps the others', async () => {
    const gone = inbox(bus.subscriber, `${root}.x`);
    const kept = inbox(bus.subscriber, `${root}.*`);
    await bus.subscriber.flush();
    bus.publisher.publish(`${root}.x`, bytes('first'));
    await bus.publisher.flush();
    await Promise.all([gone.until(1), kept.until(1)]);
    gone.unsubscribe();
    await bus.subscriber.flush();
    bus.publisher.publish(`${root}.x`, bytes('second'));
    await bus.publisher.flush();
    await kept.until(2);
    expect(gone.received.map((m) => m.text)).toEqual(['first']);
    expect(kept.received.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('refuses to publish to a wildcard subject, every time, after publishing to valid ones', () => {
    for (let i = 0; i < 2; i++) {
      bus.publisher.publish(`${root}.x`, bytes('valid'));
      expect(() => bus.publisher.publish(`${root}.*`, bytes('x'))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});
