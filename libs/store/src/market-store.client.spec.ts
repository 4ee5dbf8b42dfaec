import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { drainPending } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { ClickHouseHttpDriver } from './drivers/http-driver';
import { describeMarketStoreContract } from './testing/contract.test';

/*
 * The server driver's own code (command / query with query_params / insert through
 * @clickhouse/client, its JSON parsing and error types) against the real engine, plugged in
 * through the client's connection hook since no ClickHouse server runs here. Over HTTP against a
 * real server: `CLICKHOUSE_URL=… npm run test:clickhouse-server`.
 */
describeMarketStoreContract('@clickhouse/client over the embedded engine', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-store-client-'));
  const driver = new ClickHouseHttpDriver(createClient({ connection: createChdbConnection({ path: dataDir }) }));
  return {
    driver,
    database: 'exgate_client',
    cleanup: async () => {
      await drainPending();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
