import type { KeyValueStore, Unsubscribe } from '../ports';

type Watcher = (key: string, value: string | undefined) => void;

/** A KeyValueStore that lives as long as the process: for tests and throwaway runs. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly data = new Map<string, string>();
  private readonly watchers = new Set<Watcher>();

  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }

  async put(key: string, value: string): Promise<void> {
    this.data.set(key, value);
    this.notify(key, value);
  }

  async delete(key: string): Promise<boolean> {
    if (!this.data.delete(key)) return false;
    this.notify(key, undefined);
    return true;
  }

  async entries(): Promise<ReadonlyMap<string, string>> {
    return new Map(this.data);
  }

  async watch(handler: Watcher): Promise<Unsubscribe> {
    const watcher: Watcher = (k, v) => handler(k, v);
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private notify(key: string, value: string | undefined): void {
    // Like NATS: watchers hear of a change after the call that made it returned.
    for (const w of [...this.watchers]) queueMicrotask(() => w(key, value));
  }
}
