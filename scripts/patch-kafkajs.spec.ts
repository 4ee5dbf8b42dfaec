import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module from 'node:module';
import path from 'node:path';
import fc from 'fast-check';

interface PatchScript {
  readonly FILES: readonly [string, string, string];
  texts(file: string): { original: string; patched: string };
  patchKafkajs(root: string): string[];
}
// A plain script (npm's postinstall runs it before anything is built), so required, not imported.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('./patch-kafkajs.js') as PatchScript;
const [GROUPING, PRODUCE, CRC] = script.FILES;

type Grouping = (args: { topic: string; partitionMetadata: readonly unknown[]; messages: readonly Msg[]; partitioner: (a: { message: Msg }) => number }) => Record<string, Msg[]>;
interface Msg {
  readonly key: string;
}

function load(text: string): Grouping {
  const module = { exports: undefined as unknown };
  new Function('module', text)(module);
  return module.exports as Grouping;
}

/**
 * A produce v3 request module compiled from `text` as if it were the installed file (its requires
 * resolve there), with a clock that reads `now`: it runs outside jest's sandbox, whose Date jest
 * could fix, and two encodes must see the same time to be compared byte for byte.
 */
function loadProduce(text: string, now: number): ProduceRequest {
  const file = require.resolve(`kafkajs/${PRODUCE}`);
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (module as unknown as { _compile(text: string, file: string): void })._compile(`const Date = { now: () => ${now} };${text}`, file);
  return module.exports as ProduceRequest;
}
type ProduceRequest = (args: Record<string, unknown>) => { encode(): Promise<{ buffer: Buffer }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };

describe('the kafkajs patches (scripts/patch-kafkajs.js)', () => {
  it('are what the installed kafkajs runs', () => {
    for (const file of script.FILES) {
      const installed = readFileSync(require.resolve(`kafkajs/${file}`), 'utf8');
      // If this fails, the install skipped npm's postinstall: run `node scripts/patch-kafkajs.js`.
      expect(installed).toBe(script.texts(file).patched);
    }
  });

  it('group every send as the original does: the same partitions, each in send order, the same objects', () => {
    const original = load(script.texts(GROUPING).original);
    const patched = load(script.texts(GROUPING).patched);
    const send = fc.record({
      partitions: fc.integer({ min: 0, max: 12 }),
      keys: fc.array(fc.string({ maxLength: 6 }), { maxLength: 300 }),
      salt: fc.integer({ min: 0, max: 1_000 }),
    });
    fc.assert(
      fc.property(send, ({ partitions, keys, salt }) => {
        const messages = keys.map((key) => ({ key }));
        const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i }));
        const partitioner = ({ message }: { message: Msg }) => (message.key.length * 31 + salt) % Math.max(partitions, 1);
        const args = { topic: 't', partitionMetadata, messages, partitioner };
        const want = original(args);
        const got = patched(args);
        expect(Object.keys(got)).toEqual(Object.keys(want));
        for (const p of Object.keys(want)) {
          expect(got[p]!.length).toBe(want[p]!.length);
          got[p]!.forEach((m, i) => expect(m).toBe(want[p]![i]));
        }
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  describe('encode a produce request byte for byte as the original does', () => {
    const NOW = 1_764_950_400_123;
    const original = loadProduce(script.texts(PRODUCE).original, NOW);
    const patched = loadProduce(script.texts(PRODUCE).patched, NOW);

    // Keys and values as kafkajs takes them (text, bytes, none), with lengths on each side of a
    // varint's byte boundaries; timestamps absent, numeric or text, of mixed digits (kafkajs sorts
    // them as text, so a record's delta can be negative); now and then headers, which the patch
    // leaves to the original path, as it does gzip.
    const bytes = fc.oneof(
      fc.constant(null),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.constantFrom(63, 64, 65, 8_191, 8_192, 20_000).map((n) => Buffer.alloc(n, n % 251)),
    );
    const time = fc.oneof(fc.integer({ min: NOW - 10_000_000, max: NOW + 10_000_000 }), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 2 ** 45 }));
    const message = fc.record(
      {
        key: bytes,
        value: bytes,
        timestamp: fc.oneof(time, time.map(String)),
        // Rare: a partition with a header anywhere takes the original path as a whole.
        headers: fc.oneof(
          { weight: 50, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 2 }) },
        ),
      },
      { requiredKeys: ['key', 'value', 'headers'] },
    );
    const partition = fc.record({
      partition: fc.integer({ min: 0, max: 64 }),
      firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      messages: fc.array(message, { minLength: 1, maxLength: 70 }),
    });
    const request = fc.record({
      transactionalId: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      producerId: fc.integer({ min: -1, max: 2 ** 40 }),
      producerEpoch: fc.integer({ min: 0, max: 32_767 }),
      compression: fc.constantFrom(0, 0, 0, 1),
      topicData: fc.array(fc.record({ topic: fc.string({ minLength: 1, maxLength: 12 }), partitions: fc.array(partition, { minLength: 1, maxLength: 3 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
    });

    it('for random requests', async () => {
      await fc.assert(
        fc.asyncProperty(request, async (args) => {
          const input = { ...args, acks: -1, timeout: 30_000, producerId: Long.fromNumber(args.producerId) };
          const want = (await original(input).encode()).buffer;
          const got = (await patched(input).encode()).buffer;
          expect(got.equals(want)).toBe(true);
        }),
        { numRuns: 300, seed: 13 },
      );
    });

    it('for the aggregator\'s send: 3,500 candles, one partition', async () => {
      const messages = Array.from({ length: 3_500 }, (_, i) => ({ key: `binance-usdm:BTCUSDT:1m:${1_764_950_400_000 + i * 60_000}`, value: Buffer.alloc(180, i) }));
      const input = { acks: -1, timeout: 30_000, producerId: Long.fromNumber(77), producerEpoch: 2, topicData: [{ topic: 'candles', partitions: [{ partition: 5, firstSequence: 9, messages }] }] };
      const want = (await original(input).encode()).buffer;
      const got = (await patched(input).encode()).buffer;
      expect(got.length).toBeGreaterThan(3_500 * 180);
      expect(got.equals(want)).toBe(true);
    });
  });

  it('checksum every buffer as the original does, and as CRC-32C is defined', () => {
    const original = load(script.texts(CRC).original) as unknown as (b: Buffer) => number;
    const patched = load(script.texts(CRC).patched) as unknown as (b: Buffer) => number;
    // The check value of the CRC-32C catalogue entry (iSCSI): an oracle independent of kafkajs.
    expect(patched(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(patched(Buffer.alloc(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(7), (bytes, skip) => {
        // Also from an offset into a larger buffer, as the produce request passes a subarray.
        const buffer = Buffer.from(bytes).subarray(Math.min(skip, bytes.length));
        expect(patched(buffer)).toBe(original(buffer));
      }),
      { numRuns: 2_000, seed: 32 },
    );
  });

  describe('on an install', () => {
    let root: string;
    const file = (name: string) => path.join(root, 'node_modules', 'kafkajs', name);
    const install = (version: string, texts: readonly string[]) => {
      mkdirSync(path.join(root, 'node_modules', 'kafkajs'), { recursive: true });
      writeFileSync(path.join(root, 'node_modules', 'kafkajs', 'package.json'), JSON.stringify({ version }));
      script.FILES.forEach((name, i) => {
        mkdirSync(path.dirname(file(name)), { recursive: true });
        writeFileSync(file(name), texts[i]!);
      });
    };
    const read = () => script.FILES.map((name) => readFileSync(file(name), 'utf8'));
    const originals = script.FILES.map((name) => script.texts(name).original);
    const patches = script.FILES.map((name) => script.texts(name).patched);
    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'patch-kafkajs-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('patches 2.2.4 once, and leaves patched files as they are', () => {
      install('2.2.4', originals);
      expect(script.patchKafkajs(root)).toEqual([...script.FILES]);
      expect(read()).toEqual(patches);
      expect(script.patchKafkajs(root)).toEqual([]);
      expect(read()).toEqual(patches);
    });

    it('patches what an install from before the later patches left: the first file patched, the others not', () => {
      install('2.2.4', [patches[0]!, originals[1]!, originals[2]!]);
      expect(script.patchKafkajs(root)).toEqual([PRODUCE, CRC]);
      expect(read()).toEqual(patches);
    });

    it('refuses another text or another version, and writes no file', () => {
      const changed = originals[1]!.replace('const dateNow = Date.now()', 'const dateNow = 0');
      install('2.2.4', [originals[0]!, changed, originals[2]!]);
      expect(() => script.patchKafkajs(root)).toThrow(`kafkajs 2.2.4: ${PRODUCE} is not the text`);
      expect(read()).toEqual([originals[0], changed, originals[2]]);
      install('2.3.0', originals);
      expect(() => script.patchKafkajs(root)).toThrow(`kafkajs 2.3.0: ${GROUPING}`);
      expect(read()).toEqual(originals);
    });
  });
});
