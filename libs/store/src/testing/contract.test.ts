// Test support (`.test.ts`: outside the build and outside jest's default `*.spec.ts` match).
import { MIGRATIONS } from '../schema/migrations';
import { appliedMigrations, migrate } from '../schema/migrate';
import { ClickHouseMarketStore } from '../clickhouse-market-store';
import type { SqlDriver } from '../ports';
import { candleContract } from './contract-candles.test';
import { historyContract } from './contract-history.test';
import { tradeContract } from './contract-trades.test';

/** What one run of the contract needs: a driver and a database nobody else uses. */
export interface ContractTarget {
  readonly driver: SqlDriver;
  readonly database: string;
  /** Runs after the store is closed (drop the database, release the engine, remove folders). */
  readonly cleanup?: () => Promise<void>;
}

export interface ContractContext {
  readonly store: ClickHouseMarketStore;
  readonly driver: SqlDriver;
  readonly database: string;
  /** Rows of a table as the store's queries see them (FINAL), optionally for one exchange. */
  count(table: 'trades' | 'candles', exchange?: string): Promise<number>;
}

/**
 * The MarketStore contract, one suite for every driver: the embedded engine, the HTTP client over
 * the embedded engine, and a real server (npm run test:clickhouse-server).
 */
export function describeMarketStoreContract(label: string, open: () => Promise<ContractTarget>): void {
  describe(`MarketStore on ${label}`, () => {
    let target: ContractTarget;
    let store: ClickHouseMarketStore;
    let firstRun: string[];

    beforeAll(async () => {
      target = await open();
      firstRun = await migrate(target.driver, target.database);
      store = new ClickHouseMarketStore(target.driver, { database: target.database, batchRows: 4000 });
    });

    afterAll(async () => {
      await store?.close();
      await target?.cleanup?.();
    });

    const context: ContractContext = {
      get store() {
        return store;
      },
      get driver() {
        return target.driver;
      },
      get database() {
        return target.database;
      },
      async count(table, exchange) {
        const rows = await target.driver.query<{ n: unknown }>(
          `SELECT count() AS n FROM ${target.database}.${table} FINAL
           WHERE {exchange:String} = '' OR exchange = {exchange:String}
           SETTINGS output_format_json_quote_64bit_integers = 1`,
          { exchange: exchange ?? '' },
        );
        return Number.parseInt(String(rows[0]?.n), 10);
      },
    };

    it('runs every migration on a fresh database and nothing on the second run', async () => {
      const ids = MIGRATIONS.map((m) => m.id);
      expect(firstRun).toEqual(ids);
      expect(await migrate(target.driver, target.database)).toEqual([]);
      await store.migrate();
      expect(await appliedMigrations(target.driver, target.database)).toEqual(ids);
      expect(await context.count('trades')).toBe(0);
    });

    tradeContract(context);
    candleContract(context);
    historyContract(context);
  });
}
