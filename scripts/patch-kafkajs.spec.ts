import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';

interface PatchScript {
  readonly FILE: string;
  readonly ORIGINAL: string;
  readonly PATCHED: string;
  patchKafkajs(root: string): 'patched' | 'already patched';
}
// A plain script (npm's postinstall runs it before anything is built), so required, not imported.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('./patch-kafkajs.js') as PatchScript;

type Grouping = (args: { topic: string; partitionMetadata: readonly unknown[]; messages: readonly Msg[]; partitioner: (a: { message: Msg }) => number }) => Record<string, Msg[]>;
interface Msg {
  readonly key: string;
}

function load(text: string): Grouping {
  const module = { exports: undefined as unknown };
  new Function('module', text)(module);
  return module.exports as Grouping;
}

describe('the kafkajs grouping patch (scripts/patch-kafkajs.js)', () => {
  it('is what the installed kafkajs runs', () => {
    const installed = readFileSync(require.resolve(`kafkajs/${script.FILE}`), 'utf8');
    // If this fails, the install skipped npm's postinstall: run `node scripts/patch-kafkajs.js`.
    expect(installed).toBe(script.PATCHED);
  });

  it('groups every send as the original does: the same partitions, each in send order, the same objects', () => {
    const original = load(script.ORIGINAL);
    const patched = load(script.PATCHED);
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

  describe('on an install', () => {
    let root: string;
    const file = () => path.join(root, 'node_modules', 'kafkajs', script.FILE);
    const install = (version: string, text: string) => {
      mkdirSync(path.dirname(file()), { recursive: true });
      writeFileSync(path.join(root, 'node_modules', 'kafkajs', 'package.json'), JSON.stringify({ version }));
      writeFileSync(file(), text);
    };
    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'patch-kafkajs-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('patches 2.2.4 once, and leaves a patched file as it is', () => {
      install('2.2.4', script.ORIGINAL);
      expect(script.patchKafkajs(root)).toBe('patched');
      expect(readFileSync(file(), 'utf8')).toBe(script.PATCHED);
      expect(script.patchKafkajs(root)).toBe('already patched');
      expect(readFileSync(file(), 'utf8')).toBe(script.PATCHED);
    });

    it('refuses another text or another version, and writes nothing', () => {
      const changed = script.ORIGINAL.replace('[...current, message]', '[...current, message, message]');
      install('2.2.4', changed);
      expect(() => script.patchKafkajs(root)).toThrow('kafkajs 2.2.4: src/producer/groupMessagesPerPartition.js is not the text');
      expect(readFileSync(file(), 'utf8')).toBe(changed);
      install('2.3.0', script.ORIGINAL);
      expect(() => script.patchKafkajs(root)).toThrow('kafkajs 2.3.0');
      expect(readFileSync(file(), 'utf8')).toBe(script.ORIGINAL);
    });
  });
});
