export * from './ports';
export { ClickHouseMarketStore, type ClickHouseMarketStoreOptions } from './clickhouse-market-store';
export { ChdbDriver } from './drivers/chdb-driver';
export { ClickHouseHttpDriver, type ClickHouseServerOptions } from './drivers/http-driver';
export {
  openDriver, openStore, type EmbeddedStoreConfig, type OpenStoreOptions, type ServerStoreConfig, type StoreConfig,
} from './open-store';
export { MIGRATIONS, type Migration } from './schema/migrations';
export { appliedMigrations, migrate } from './schema/migrate';
export { PRICE_QTY, QUOTE_VOLUME, toColumnDecimal, type DecimalColumn } from './decimal';
/** The last open time the store can hold (year 2299): a window beyond it has nothing stored. */
export { MAX_TIME_MS as MAX_STORED_TIME_MS } from './ints';
export { storedCandle, storedTrade } from './rows';
