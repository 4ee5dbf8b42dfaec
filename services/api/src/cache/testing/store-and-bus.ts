import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryEventBus } from '@exgate/bus';
import { silentLogger } from '@exgate/runtime';
import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import type { CacheDeps } from '../candle-cache';

export interface StoreAndBus {
  readonly store: ClickHouseMarketStore;
  readonly events: MemoryEventBus;
  readonly deps: CacheDeps;
  /** Closed after the test. */
  track<C extends { close(): void }>(cache: C): C;
}

/**
 * The real embedded store (one per file; tests use series of their own) and a fresh in-memory
 * bus per test, for the cache specs. Call at the top of a describe; read `ctx` inside tests.
 */
export function useStoreAndBus(prefix: string): StoreAndBus {
  let dataDir = '';
  let store: ClickHouseMarketStore | undefined;
  let events = new MemoryEventBus();
  let caches: { close(): void }[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
    store = await openStore({ kind: 'embedded', dataDir });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    events = new MemoryEventBus();
  });
  afterEach(() => {
    for (const c of caches) c.close();
    caches = [];
  });
  return {
    get store() {
      return store!;
    },
    get events() {
      return events;
    },
    get deps() {
      return { store: store!, events, logger: silentLogger() };
    },
    track(cache) {
      caches.push(cache);
      return cache;
    },
  };
}
