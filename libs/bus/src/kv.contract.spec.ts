import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { silentLogger } from '@exgate/runtime';
import { natsUrl, uniqueName } from '@exgate/testing';
import { FileKeyValueStore } from './memory/file-kv';
import { MemoryKeyValueStore } from './memory/memory-kv';
import { connectNats } from './nats/connect';
import { NatsKeyValueStore } from './nats/kv';
import type { KeyValueStore } from './ports';

/** One contract, three stores: in memory, a JSON file (embedded mode), NATS JetStream KV. */
interface Harness {
  readonly name: string;
  open(): Promise<{ store: KeyValueStore; close(): Promise<void> }>;
}

const harnesses: Harness[] = [
  {
    name: 'memory',
    async open() {
      const store = new MemoryKeyValueStore();
      return { store, close: () => store.close() };
    },
  },
  {
    name: 'file',
    async open() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-kv-'));
      const store = await FileKeyValueStore.open(path.join(dir, 'kv.json'));
      return {
        store,
        close: async () => {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'nats',
    async open() {
      const nc: NatsConnection = await connectNats({ url: natsUrl(), name: 'kv-test', logger: silentLogger() });
      const bucket = uniqueName('kv').replace(/[^A-Za-z0-9_-]/g, '_');
      const store = await NatsKeyValueStore.open(nc, bucket, { logger: silentLogger() });
      return {
        store,
        close: async () => {
          await store.close();
          await (await nc.jetstreamManager()).streams.delete(`KV_${bucket}`);
          await nc.drain();
        },
      };
    },
  },
];

const KEYS = ['binance-usdm.BTCUSDT', 'binance-usdm.*/5 * * * *', 'hotbit.ÄÖÜ', '.a..b.', 'a=2E'];

describe.each(harnesses)('KeyValueStore contract: $name', (harness) => {
  let kv: Awaited<ReturnType<Harness['open']>>;

  beforeEach(async () => {
    kv = await harness.open();
  });
  afterEach(() => kv.close());

  it('returns what was put, under any key, and undefined for keys never put', async () => {
    for (const [i, key] of KEYS.entries()) await kv.store.put(key, JSON.stringify({ i, key }));
    for (const [i, key] of KEYS.entries()) expect(await kv.store.get(key)).toBe(JSON.stringify({ i, key }));
    expect(await kv.store.get('binance-usdm.ETHUSDT')).toBeUndefined();
    expect(await kv.store.entries()).toEqual(new Map(KEYS.map((key, i) => [key, JSON.stringify({ i, key })])));
  });

  it('overwrites a value and keeps the latest', async () => {
    await kv.store.put('binance-usdm.BTCUSDT', 'v1');
    await kv.store.put('binance-usdm.BTCUSDT', 'v2');
    expect(await kv.store.get('binance-usdm.BTCUSDT')).toBe('v2');
    expect(await kv.store.entries()).toEqual(new Map([['binance-usdm.BTCUSDT', 'v2']]));
  });

  it('deletes a key once: true when it existed, false after', async () => {
    await kv.store.put('binance-usdm.BTCUSDT', 'v1');
    await kv.store.put('binance-usdm.ETHUSDT', 'v1');
    expect(await kv.store.delete('binance-usdm.BTCUSDT')).toBe(true);
    expect(await kv.store.delete('binance-usdm.BTCUSDT')).toBe(false);
    expect(await kv.store.delete('never.there')).toBe(false);
    expect(await kv.store.get('binance-usdm.BTCUSDT')).toBeUndefined();
    expect(await kv.store.entries()).toEqual(new Map([['binance-usdm.ETHUSDT', 'v1']]));
  });

  it('tells a watcher of every put and delete after the call, in order, until unsubscribed', async () => {
    await kv.store.put('before.watch', 'old');
    const seen: [string, string | undefined][] = [];
    let waiter: { n: number; resolve: () => void } | undefined;
    const until = (n: number) =>
      seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve }));
    const unsubscribe = await kv.store.watch((key, value) => {
      seen.push([key, value]);
      if (waiter && seen.length >= waiter.n) waiter.resolve();
    });
    await kv.store.put('binance-usdm.*/5 * * * *', 'a');
    await kv.store.put('binance-usdm.BTCUSDT', 'b');
    await kv.store.delete('binance-usdm.*/5 * * * *');
    await until(3);
    expect(seen).toEqual([
      ['binance-usdm.*/5 * * * *', 'a'],
      ['binance-usdm.BTCUSDT', 'b'],
      ['binance-usdm.*/5 * * * *', undefined],
    ]);
    unsubscribe();
    // A second watcher proves the change was published; the first must not see it.
    const later: string[] = [];
    let heard!: () => void;
    const heardOnce = new Promise<void>((resolve) => (heard = resolve));
    const stop = await kv.store.watch((key) => {
      later.push(key);
      heard();
    });
    await kv.store.put('after.unsubscribe', 'c');
    await heardOnce;
    stop();
    expect(later).toEqual(['after.unsubscribe']);
    expect(seen).toHaveLength(3);
  });
  it('tells a watcher of a burst of puts made at once, every one in order', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `burst:S${String(i).padStart(3, '0')}`);
    const seen: string[] = [];
    let all!: () => void;
    const heardAll = new Promise<void>((resolve) => (all = resolve));
    const stop = await kv.store.watch((key, value) => {
      seen.push(`${key}=${value}`);
      if (seen.length === keys.length) all();
    });
    await Promise.all(keys.map((k, i) => kv.store.put(k, String(i))));
    await heardAll;
    stop();
    expect(seen).toEqual(keys.map((k, i) => `${k}=${i}`));
  });
});
