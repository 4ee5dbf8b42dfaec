import { ExgateError } from '@exgate/errors';
import { ClickHouseHttpDriver } from './drivers/http-driver';
import { describeMarketStoreContract } from './testing/contract.test';

/*
 * The contract against a real ClickHouse server over HTTP. Not part of `npm test` (no server runs
 * on these machines): `CLICKHOUSE_URL=http://localhost:8123 npm run test:clickhouse-server`
 * (CLICKHOUSE_USER / CLICKHOUSE_PASSWORD optional). Each run uses its own database and drops it.
 */
const url = process.env.CLICKHOUSE_URL;
if (!url) {
  throw new ExgateError('CONFIG_INVALID', 'CLICKHOUSE_URL is not set: this suite needs a real ClickHouse server');
}

describeMarketStoreContract(`the ClickHouse server at ${url}`, async () => {
  const driver = ClickHouseHttpDriver.connect({
    url,
    ...(process.env.CLICKHOUSE_USER ? { username: process.env.CLICKHOUSE_USER } : {}),
    ...(process.env.CLICKHOUSE_PASSWORD ? { password: process.env.CLICKHOUSE_PASSWORD } : {}),
  });
  const database = `exgate_test_${process.pid}_${Date.now().toString(36)}`;
  return {
    driver,
    database,
    cleanup: async () => {
      const admin = ClickHouseHttpDriver.connect({
        url,
        ...(process.env.CLICKHOUSE_USER ? { username: process.env.CLICKHOUSE_USER } : {}),
        ...(process.env.CLICKHOUSE_PASSWORD ? { password: process.env.CLICKHOUSE_PASSWORD } : {}),
      });
      await admin.exec(`DROP DATABASE IF EXISTS ${database}`);
      await admin.close();
    },
  };
});
