import { MemoryGroupReader } from './group-reader';
import { PartitionedLog } from './partitioned-log';

/** Reads `n` records with a fresh member of `groupId`, then closes it. */
async function readAll(log: PartitionedLog<string>, groupId: string, n: number): Promise<string[]> {
  const values: string[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  const reader = new MemoryGroupReader(log, groupId);
  const run = reader.run(async (r) => {
    values.push(r.value);
    if (values.length === n) done();
  });
  await enough;
  await reader.close();
  await run;
  return values;
}

describe('PartitionedLog retention', () => {
  it('drops records once every group has committed them (in chunks), and a new group starts at the earliest kept', async () => {
    const log = new PartitionedLog<string>({ partitions: 1 });
    log.append(Array.from({ length: 600 }, (_, i) => ({ key: 'k', value: `v${i}` })));
    expect(await readAll(log, 'aggregator', 600)).toHaveLength(600);
    const { start, end } = log.bounds(0);
    expect(end).toBe(600);
    // Trimming is amortised: at most one chunk (256 records) of consumed history stays.
    expect(start).toBeGreaterThanOrEqual(600 - 256);
    expect(await readAll(log, 'late-group', 1)).toEqual([`v${start}`]);
  });

  it('keeps what a lagging group has not committed', async () => {
    const log = new PartitionedLog<string>({ partitions: 1 });
    log.append(Array.from({ length: 300 }, (_, i) => ({ key: 'k', value: `v${i}` })));
    await readAll(log, 'slow', 10);
    await readAll(log, 'fast', 300);
    expect(log.bounds(0).start).toBe(0);
    expect(await readAll(log, 'slow', 290)).toEqual(Array.from({ length: 290 }, (_, i) => `v${i + 10}`));
  });

  it('bounds memory: beyond the cap the oldest records go even if no group read them', () => {
    const log = new PartitionedLog<string>({ partitions: 1, maxRecordsPerPartition: 100 });
    log.append(Array.from({ length: 250 }, (_, i) => ({ key: 'k', value: `v${i}` })));
    expect(log.bounds(0)).toEqual({ start: 150, end: 250 });
    expect(log.read(0, 150)?.value).toBe('v150');
    expect(log.read(0, 149)).toBeUndefined();
  });

  it('keeps offsets and values right across many drops at the cap, one append at a time (the array is compacted on the way)', () => {
    const log = new PartitionedLog<string>({ partitions: 1, maxRecordsPerPartition: 100 });
    for (let i = 0; i < 5000; i++) log.append([{ key: 'k', value: `v${i}` }]);
    expect(log.bounds(0)).toEqual({ start: 4900, end: 5000 });
    expect(log.read(0, 4899)).toBeUndefined();
    for (const offset of [4900, 4950, 4999]) expect(log.read(0, offset)).toEqual({ key: 'k', value: `v${offset}`, partition: 0, offset });
    expect(log.read(0, 5000)).toBeUndefined();
  });
});
