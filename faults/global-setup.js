// Chooses the suite's seed once for every spec file (they run in this process, one after another)
// and starts an empty record of runs for the total line (faults/total-reporter.js). The record is
// per jest process: several checkouts' or helpers' suites may run at once in one working tree.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

module.exports = async (globalConfig) => {
  if (!process.env.FAULT_SEED) process.env.FAULT_SEED = String(Math.floor(Math.random() * 0xffffffff));
  process.env.FAULT_RUNS_FILE = path.join(globalConfig.rootDir, '.local', `faults-runs-${process.pid}.jsonl`);
  mkdirSync(path.dirname(process.env.FAULT_RUNS_FILE), { recursive: true });
  writeFileSync(process.env.FAULT_RUNS_FILE, '');
  process.stdout.write(`\nfaults: seed ${process.env.FAULT_SEED} (replay: FAULT_SEED=${process.env.FAULT_SEED} npm run test:faults)\n`);
};
