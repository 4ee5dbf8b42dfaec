/**
 * An in-process stand-in for one Kafka topic with consumer groups: records partitioned by key,
 * per-group committed positions, partitions split between the members of a group, and
 * at-least-once delivery (a position moves only after the handler resolved). The embedded mode
 * runs on it; the same contract tests run it and Kafka.
 */
export interface LogRecord<V> {
  readonly key: string;
  readonly value: V;
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionedLogOptions {
  /** Like the topic's partition count: the unit a group splits between its members. */
  readonly partitions?: number;
  /**
   * Records every group has committed are dropped. Beyond this many records per partition the
   * oldest go even if a group still lags (a bound on memory, as Kafka's retention is).
   */
  readonly maxRecordsPerPartition?: number;
  /** What picks a record's partition, from its key (default: the key itself), as the Kafka writer's option. */
  readonly partitionKey?: (key: string) => string;
}

/**
 * A partition's retained records are `records[head…]`: dropping the oldest moves `head` (O(1)), and
 * the array is compacted only once the dropped part is half of it. Splicing the front off a 100,000
 * record array on every append once a partition was full cost a quarter of the embedded
 * pipeline's CPU (ADR 0019).
 */
interface Partition<V> {
  /** Offset of records[head]. */
  base: number;
  head: number;
  records: (LogRecord<V> | undefined)[];
}

const size = (p: Partition<unknown>) => p.records.length - p.head;

/** FNV-1a: a stable key → partition mapping (Kafka uses murmur2; only stability matters here). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class PartitionedLog<V> {
  readonly partitionCount: number;
  private readonly maxRecords: number;
  private readonly partitionKey: (key: string) => string;
  private readonly partitions: Partition<V>[];
  private readonly groups = new Map<string, Group<V>>();
  private readonly appendWaiters = new Set<() => void>();

  constructor(options: PartitionedLogOptions = {}) {
    this.partitionCount = options.partitions ?? 4;
    this.maxRecords = options.maxRecordsPerPartition ?? 100_000;
    this.partitionKey = options.partitionKey ?? ((key) => key);
    this.partitions = Array.from({ length: this.partitionCount }, () => ({ base: 0, head: 0, records: [] }));
  }

  partitionOf(key: string): number {
    return hashKey(this.partitionKey(key)) % this.partitionCount;
  }

  append(entries: readonly { key: string; value: V }[]): void {
    for (const { key, value } of entries) {
      const partition = this.partitionOf(key);
      const p = this.partitions[partition]!;
      p.records.push({ key, value, partition, offset: p.base + size(p) });
      if (size(p) > this.maxRecords) this.dropBefore(partition, p.base + size(p) - this.maxRecords);
    }
    this.wake();
  }

  /** The first retained offset and the next offset to be written. */
  bounds(partition: number): { start: number; end: number } {
    const p = this.partitions[partition]!;
    return { start: p.base, end: p.base + size(p) };
  }

  read(partition: number, offset: number): LogRecord<V> | undefined {
    const p = this.partitions[partition]!;
    return offset < p.base ? undefined : p.records[p.head + offset - p.base];
  }

  group(groupId: string): Group<V> {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(this, this.partitionCount);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Resolves at the next append (or when `signal` fires first). */
  waitForAppend(): { promise: Promise<void>; cancel: () => void } {
    let done!: () => void;
    const promise = new Promise<void>((resolve) => (done = resolve));
    const waiter = () => {
      this.appendWaiters.delete(waiter);
      done();
    };
    this.appendWaiters.add(waiter);
    return { promise, cancel: waiter };
  }

  wake(): void {
    for (const waiter of [...this.appendWaiters]) waiter();
  }

  /** Called after a commit: drop what every group has consumed. */
  trim(partition: number): void {
    let min = Infinity;
    for (const g of this.groups.values()) min = Math.min(min, g.committedOffset(partition));
    // Amortised: drop only when a good chunk is droppable (a late group still finds some history).
    const p = this.partitions[partition]!;
    if (min !== Infinity && min - p.base >= Math.max(256, size(p) / 2)) this.dropBefore(partition, min);
  }

  private dropBefore(partition: number, offset: number): void {
    const p = this.partitions[partition]!;
    const n = Math.min(offset - p.base, size(p));
    if (n <= 0) return;
    p.records.fill(undefined, p.head, p.head + n);
    p.head += n;
    p.base += n;
    if (p.head >= 1024 && p.head * 2 >= p.records.length) {
      p.records = p.records.slice(p.head);
      p.head = 0;
    }
  }
}

/** One member of a group, as the group sees it. Neither call rejects: a member fails itself. */
export interface GroupMember {
  /** Stop delivering from these partitions, wait for the delivery in flight, then run onRevoked. */
  release(partitions: readonly number[]): Promise<void>;
  /** Run onAssigned, then deliver from these partitions too. */
  take(partitions: readonly number[]): Promise<void>;
}

/** Committed positions and the partition split of one consumer group. */
export class Group<V> {
  private readonly committed: (number | undefined)[];
  private readonly members: GroupMember[] = [];
  private readonly owned = new Map<GroupMember, number[]>();
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: PartitionedLog<V>,
    partitionCount: number,
  ) {
    this.committed = new Array<number | undefined>(partitionCount).fill(undefined);
  }

  /** Next offset the group reads from the partition (a new group starts at the earliest record). */
  committedOffset(partition: number): number {
    return this.committed[partition] ?? this.log.bounds(partition).start;
  }

  position(partition: number): number {
    return Math.max(this.committedOffset(partition), this.log.bounds(partition).start);
  }

  commit(partition: number, nextOffset: number): void {
    this.committed[partition] = nextOffset;
    this.log.trim(partition);
  }

  join(member: GroupMember): Promise<void> {
    this.members.push(member);
    return this.rebalance();
  }

  leave(member: GroupMember): Promise<void> {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    return this.rebalance();
  }

  /**
   * Eager rebalance, as Kafka's default protocol: owners release what moves (finishing the
   * delivery in flight, then onRevoked), and only then do new owners take it (onAssigned first).
   */
  private rebalance(): Promise<void> {
    this.rebalancing = this.rebalancing.then(async () => {
      const target = new Map<GroupMember, number[]>(this.members.map((m) => [m, []]));
      for (let p = 0; p < this.committed.length; p++) {
        const member = this.members[p % Math.max(1, this.members.length)];
        if (member) target.get(member)!.push(p);
      }
      for (const [member, before] of this.owned) {
        const after = target.get(member) ?? [];
        const revoked = before.filter((p) => !after.includes(p));
        if (revoked.length === 0) continue;
        if (target.has(member)) await member.release(revoked);
      }
      for (const [member, after] of target) {
        const before = this.owned.get(member) ?? [];
        const assigned = after.filter((p) => !before.includes(p));
        if (assigned.length > 0) await member.take(assigned);
      }
      this.owned.clear();
      for (const [member, after] of target) this.owned.set(member, after);
    });
    return this.rebalancing;
  }
}
