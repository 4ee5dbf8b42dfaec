import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('the Kafka writer module', () => {
  it("loads kafkajs's produce request, record batch and checksum modules with itself, not at a first send", () => {
    // A process of its own: jest's module registry is not node's.
    const script = `
      const loaded = () => Object.keys(require.cache).filter((f) => /kafkajs\\/src\\/protocol\\/(requests\\/produce|recordBatch)\\//.test(f));
      const before = loaded().length;
      require(${JSON.stringify(path.join(__dirname, 'keyed-writer.ts'))});
      console.log(JSON.stringify({ before, after: loaded().map((f) => f.replace(/.*kafkajs\\/src\\/protocol\\//, '')).sort() }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })) as { before: number; after: string[] };
    expect(out.before).toBe(0);
    expect(out.after).toEqual(expect.arrayContaining([
      'requests/produce/v7/request.js', 'requests/produce/v7/response.js', 'requests/produce/v3/request.js',
      'recordBatch/v0/index.js', 'recordBatch/crc32C/crc32C.js',
    ]));
  });
});
