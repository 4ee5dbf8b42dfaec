import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXCHANGES } from '@exgate/exchanges';

/**
 * Loads, before any run of a file starts, every module a run would otherwise load for the first
 * time mid-run: each exchange's simulator (imported on demand by its module) and what kafkajs
 * requires lazily (each protocol request's versioned encoder and decoder, the gzip codec).
 *
 * The runs of a file go on at once (it.concurrent), and jest refuses a first `require` made while
 * it stands between two tests: one run finishing while another's consumer joined its group failed
 * CI with "You are trying to `require` a file outside of the scope of the test code"
 * (kafkajs/src/protocol/requests/joinGroup/index.js). A module already loaded is not required again.
 */
beforeAll(async () => {
  for (const exchange of EXCHANGES) await exchange.loadSimulator();
  const kafkajs = dirname(require.resolve('kafkajs/package.json'));
  requireTree(join(kafkajs, 'src/protocol/requests'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is the point
  require(join(kafkajs, 'src/protocol/message/compression/gzip'));
});

function requireTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) requireTree(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is the point
    else if (entry.name.endsWith('.js')) require(file);
  }
}
