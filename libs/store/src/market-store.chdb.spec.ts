import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChdbDriver } from './drivers/chdb-driver';
import { describeMarketStoreContract } from './testing/contract.test';

describeMarketStoreContract('the embedded engine (chdb)', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-store-chdb-'));
  const driver = await ChdbDriver.open(dataDir);
  return {
    driver,
    database: 'exgate',
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
