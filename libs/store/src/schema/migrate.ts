import { ExgateError } from '@exgate/errors';
import type { SqlDriver } from '../ports';
import { bootstrapStatements, MIGRATIONS, type Migration } from './migrations';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database name safe to write into SQL as it is (config, not user input, but checked anyway). */
export function checkDatabaseName(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ExgateError('CONFIG_INVALID', `store database name ${JSON.stringify(name)} is not a plain identifier`, {
      details: { database: name },
    });
  }
  return name;
}

export async function appliedMigrations(driver: SqlDriver, db: string): Promise<string[]> {
  const rows = await driver.query<{ id: string }>(`SELECT id FROM ${db}.schema_migrations FINAL ORDER BY id`);
  return rows.map((r) => r.id);
}

/**
 * Runs, in order, the migrations not yet recorded; returns the ids it ran. Running it again is a
 * no-op. Concurrent runs (several services, several pods) are safe: every statement is
 * idempotent and a doubly recorded id collapses in the ReplacingMergeTree.
 */
export async function migrate(
  driver: SqlDriver,
  db: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  checkDatabaseName(db);
  for (const sql of bootstrapStatements(db)) await driver.exec(sql);
  const applied = new Set(await appliedMigrations(driver, db));
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    for (const sql of migration.statements(db)) await driver.exec(sql);
    await driver.insert(`${db}.schema_migrations`, [{ id: migration.id }]);
    ran.push(migration.id);
  }
  return ran;
}
