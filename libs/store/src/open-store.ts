import { ClickHouseMarketStore } from './clickhouse-market-store';
import { ChdbDriver } from './drivers/chdb-driver';
import { ClickHouseHttpDriver } from './drivers/http-driver';
import type { SqlDriver } from './ports';

interface CommonStoreConfig {
  /** Database holding the tables (created by the migrations); default `exgate`. */
  readonly database?: string;
  /** Rows per INSERT; default 50 000. */
  readonly batchRows?: number;
}

export interface EmbeddedStoreConfig extends CommonStoreConfig {
  readonly kind: 'embedded';
  /** The engine's data folder (created when missing). One per process. */
  readonly dataDir: string;
}

export interface ServerStoreConfig extends CommonStoreConfig {
  readonly kind: 'server';
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly requestTimeoutMs?: number;
}

export type StoreConfig = EmbeddedStoreConfig | ServerStoreConfig;

export interface OpenStoreOptions {
  /** Run the migrations before returning; default true (they are idempotent). */
  readonly migrate?: boolean;
}

export async function openDriver(config: StoreConfig): Promise<SqlDriver> {
  if (config.kind === 'embedded') return ChdbDriver.open(config.dataDir);
  return ClickHouseHttpDriver.connect(config);
}

/** The store for either run mode, migrated and ready. */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<ClickHouseMarketStore> {
  const driver = await openDriver(config);
  const store = new ClickHouseMarketStore(driver, {
    ...(config.database === undefined ? {} : { database: config.database }),
    ...(config.batchRows === undefined ? {} : { batchRows: config.batchRows }),
  });
  if (options.migrate ?? true) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
