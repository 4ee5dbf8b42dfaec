import { HandlerRetries, type HandlerRetry, type OnHandlerRetry } from '../handler-retry';
import type { ReaderHooks } from '../ports';
import type { Group, GroupMember, LogRecord, PartitionedLog } from './partitioned-log';

/** Consecutive records of one partition handed over at once, as a Kafka fetch would. */
export const DEFAULT_GROUP_SIZE = 1_000;

/**
 * One consumer of a PartitionedLog in a group: delivers the records of its partitions one at a
 * time (or up to `groupSize` consecutive ones of a partition, runGroups), round-robin across
 * partitions, in offset order within each, and commits records only after the handler resolved.
 * A passing failure (HandlerRetry) delivers the same records again after a pause: the partitions
 * stay with this reader, so no hook runs. `run` settles when the reader stops: resolves after
 * close(), rejects with the handler's error (nothing of that record committed; the group
 * re-delivers it).
 */
export class MemoryGroupReader<V> implements GroupMember {
  private readonly group: Group<V>;
  private readonly assigned = new Set<number>();
  private hooks: ReaderHooks = {};
  private handler: ((records: readonly LogRecord<V>[]) => Promise<void>) | undefined;
  private groupSize = 1;
  private inFlight: { partition: number; done: Promise<void> } | undefined;
  private stopping = false;
  private failure: unknown = undefined;
  private cursor = 0;
  private wakeLoop: (() => void) | undefined;
  private endPause: (() => void) | undefined;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private finished: Promise<void> | undefined;
  private readonly retries: HandlerRetries;

  constructor(
    private readonly log: PartitionedLog<V>,
    groupId: string,
    handlerRetry?: HandlerRetry,
    onHandlerRetry?: OnHandlerRetry,
  ) {
    this.group = log.group(groupId);
    this.retries = new HandlerRetries(handlerRetry, onHandlerRetry);
  }

  run(handler: (record: LogRecord<V>) => Promise<void>, hooks: ReaderHooks = {}): Promise<void> {
    return this.start(1, ([record]) => handler(record!), hooks);
  }

  runGroups(handler: (records: readonly LogRecord<V>[]) => Promise<void>, hooks: ReaderHooks = {}, groupSize = DEFAULT_GROUP_SIZE): Promise<void> {
    return this.start(groupSize, handler, hooks);
  }

  private start(groupSize: number, handler: (records: readonly LogRecord<V>[]) => Promise<void>, hooks: ReaderHooks): Promise<void> {
    if (this.handler) throw new Error('reader is already running');
    this.handler = handler;
    this.groupSize = groupSize;
    this.hooks = hooks;
    const result = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.finished = this.group.join(this).then(() => this.loop());
    return result;
  }

  async close(): Promise<void> {
    if (this.stopping) return this.finished;
    this.stopping = true;
    this.wakeLoop?.();
    this.endPause?.();
    await this.finished;
  }

  async release(partitions: readonly number[]): Promise<void> {
    for (const p of partitions) this.assigned.delete(p);
    const current = this.inFlight;
    if (current && partitions.includes(current.partition)) await current.done;
    await this.callHook(() => this.hooks.onRevoked?.(partitions));
  }

  async take(partitions: readonly number[]): Promise<void> {
    await this.callHook(() => this.hooks.onAssigned?.(partitions));
    for (const p of partitions) this.assigned.add(p);
    this.wakeLoop?.();
  }

  private async callHook(hook: () => Promise<void> | undefined): Promise<void> {
    try {
      await hook();
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(error: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    this.failure = error;
    this.wakeLoop?.();
    this.endPause?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const records = this.next();
      if (records.length === 0) {
        await this.idle();
        continue;
      }
      const last = records[records.length - 1]!;
      let release!: () => void;
      this.inFlight = { partition: last.partition, done: new Promise<void>((r) => (release = r)) };
      let pauseMs: number | undefined;
      try {
        await this.handler!(records);
        // A partition released mid-delivery is still ours until `done`: committing is right.
        this.group.commit(last.partition, last.offset + 1);
        this.retries.succeeded();
      } catch (e) {
        pauseMs = this.stopping ? undefined : this.retries.next(e);
        if (pauseMs === undefined) this.fail(e);
      } finally {
        this.inFlight = undefined;
        release();
      }
      if (pauseMs !== undefined) await this.pause(pauseMs);
    }
    const owned = [...this.assigned];
    this.assigned.clear();
    // Closing hands the partitions back only after onRevoked: nothing moves while we flush.
    if (this.failure === undefined && owned.length > 0) await this.callHook(() => this.hooks.onRevoked?.(owned));
    await this.group.leave(this);
    if (this.failure !== undefined) this.settle!.reject(this.failure);
    else this.settle!.resolve();
  }

  private next(): LogRecord<V>[] {
    const partitions = [...this.assigned].sort((a, b) => a - b);
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[(this.cursor + i) % partitions.length]!;
      const from = this.group.position(p);
      const records: LogRecord<V>[] = [];
      for (let record = this.log.read(p, from); record; record = this.log.read(p, from + records.length)) {
        records.push(record);
        if (records.length === this.groupSize) break;
      }
      if (records.length > 0) {
        this.cursor = (this.cursor + i + 1) % partitions.length;
        return records;
      }
    }
    return [];
  }

  /** Waits before the failed records come again; close() ends the wait, new partitions do not. */
  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => (this.endPause = resolve));
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    this.endPause = undefined;
  }

  private async idle(): Promise<void> {
    const appended = this.log.waitForAppend();
    const woken = new Promise<void>((resolve) => (this.wakeLoop = resolve));
    await Promise.race([appended.promise, woken]);
    appended.cancel();
    this.wakeLoop = undefined;
  }
}
