import { KvWatchInclude, type KV, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';
import { TurnBudget, type Logger } from '@exgate/runtime';
import { decodeKvKey, encodeKvKey } from '../kv-keys';
import type { KeyValueStore, Unsubscribe } from '../ports';
import { natsError } from './connect';

export interface NatsKvOptions {
  readonly logger: Logger;
  /** Close the connection with the store (when the store opened it). */
  readonly ownsConnection?: boolean;
}

/**
 * A JetStream KV bucket (created when missing, one revision per key kept). Keys are encoded to
 * what NATS accepts (see kv-keys.ts); values are strings (JSON by convention).
 */
export class NatsKeyValueStore implements KeyValueStore {
  private readonly watchers = new Set<QueuedIterator<KvEntry>>();
  private readonly log: Logger;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    readonly bucket: string,
    private readonly options: NatsKvOptions,
  ) {
    this.log = options.logger.child({ component: 'kv', bucket });
  }

  static async open(nc: NatsConnection, bucket: string, options: NatsKvOptions): Promise<NatsKeyValueStore> {
    try {
      const kv = await nc.jetstream().views.kv(bucket, { history: 1 });
      return new NatsKeyValueStore(nc, kv, bucket, options);
    } catch (e) {
      throw natsError(`cannot open the KV bucket ${bucket}`, e);
    }
  }

  async get(key: string): Promise<string | undefined> {
    const entry = await this.call(`get ${key}`, () => this.kv.get(encodeKvKey(key)));
    return entry && entry.operation === 'PUT' ? entry.string() : undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.call(`put ${key}`, () => this.kv.put(encodeKvKey(key), value));
  }

  async delete(key: string): Promise<boolean> {
    if ((await this.get(key)) === undefined) return false;
    await this.call(`delete ${key}`, () => this.kv.delete(encodeKvKey(key)));
    return true;
  }

  async entries(): Promise<ReadonlyMap<string, string>> {
    return this.call('list entries', async () => {
      const keys: string[] = [];
      for await (const k of await this.kv.keys()) keys.push(k);
      const result = new Map<string, string>();
      for (const k of keys) {
        const entry = await this.kv.get(k);
        if (entry && entry.operation === 'PUT') result.set(decodeKvKey(k), entry.string());
      }
      return result;
    });
  }

  async watch(handler: (key: string, value: string | undefined) => void): Promise<Unsubscribe> {
    const iterator = await this.call('watch', () => this.kv.watch({ include: KvWatchInclude.UpdatesOnly }));
    this.watchers.add(iterator);
    void (async () => {
      for await (const e of iterator) {
        // Changes come in bursts (500 pulls put at once): nats.js hands over every message of a
        // socket read in one turn, and the handlers' work on top of its parsing held the loop for
        // ~70 ms. The rest waits in the iterator for the next turn.
        await TurnBudget.process.pass();
        try {
          handler(decodeKvKey(e.key), e.operation === 'PUT' ? e.string() : undefined);
        } catch (err) {
          this.log.error({ err, key: e.key }, 'KV watch handler threw');
        }
      }
    })();
    return () => {
      this.watchers.delete(iterator);
      iterator.stop();
    };
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.stop();
    this.watchers.clear();
    if (this.options.ownsConnection && !this.nc.isClosed()) await this.nc.drain();
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw natsError(`KV ${this.bucket}: cannot ${what}`, e);
    }
  }
}
