import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { drainPending } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { isExgateError } from '@exgate/errors';
import { ClickHouseHttpDriver } from './http-driver';

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

/** A loopback port nobody listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ClickHouseHttpDriver', () => {
  it('reports an unreachable server as retriable STORE_UNAVAILABLE', async () => {
    const driver = ClickHouseHttpDriver.connect({ url: `http://127.0.0.1:${await closedPort()}`, requestTimeoutMs: 2000 });
    const error = await failure(driver.query('SELECT 1'));
    expect(isExgateError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ retriable: true });
    await driver.close();
  });

  it('reports what ClickHouse rejects as STORE_QUERY_FAILED with its code, and refuses work once closed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-http-driver-'));
    const driver = new ClickHouseHttpDriver(createClient({ connection: createChdbConnection({ path: dataDir }) }));
    try {
      expect(await driver.query('SELECT {n:UInt8} + 1 AS n', { n: 41 })).toEqual([{ n: 42 }]);
      const bad = await failure(driver.query('SELECT * FROM no_such_table'));
      expect(isExgateError(bad, 'STORE_QUERY_FAILED')).toBe(true);
      expect(bad).toMatchObject({ retriable: false, details: { clickhouseCode: 60 } });
    } finally {
      await driver.close();
      await drainPending();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(isExgateError(await failure(driver.exec('SELECT 1')), 'STORE_UNAVAILABLE')).toBe(true);
  });
});
