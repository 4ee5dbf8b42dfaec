import { openStore, type ClickHouseMarketStore } from '@exgate/store';
import path from 'node:path';
import type { CommonEnv } from './env';

export function openConfiguredStore(
  config: Pick<CommonEnv, 'EXGATE_STORE' | 'EXGATE_DATA_DIR' | 'CLICKHOUSE_URL' | 'CLICKHOUSE_USER' | 'CLICKHOUSE_PASSWORD' | 'CLICKHOUSE_DATABASE'>,
): Promise<ClickHouseMarketStore> {
  return config.EXGATE_STORE === 'chdb'
    ? openStore({ kind: 'embedded', dataDir: path.resolve(config.EXGATE_DATA_DIR, 'clickhouse'), database: config.CLICKHOUSE_DATABASE })
    : openStore({
        kind: 'server', url: config.CLICKHOUSE_URL, username: config.CLICKHOUSE_USER,
        password: config.CLICKHOUSE_PASSWORD, database: config.CLICKHOUSE_DATABASE,
      });
}

/** /readyz: the store answers a trivial query. */
export async function storeReady(store: ClickHouseMarketStore): Promise<boolean> {
  try {
    await store.driver.query('SELECT 1 AS ok');
    return true;
  } catch {
    return false;
  }
}
