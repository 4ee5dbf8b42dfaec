import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isExgateError } from '@exgate/errors';
import { loadChdb, requireChdb } from './chdb-module';

describe('loading the embedded engine', () => {
  it('loads chdb where it is installed', () => {
    const chdb = loadChdb();
    expect(typeof chdb.Session).toBe('function');
    expect(loadChdb()).toBe(chdb);
  });

  it('names the missing package and the ways out where it is not installed', () => {
    // A folder outside the checkout: Node's own resolution finds no node_modules/chdb from there.
    const bare = mkdtempSync(path.join(os.tmpdir(), 'exgate-no-chdb-'));
    try {
      let error: unknown = null;
      try {
        requireChdb(path.join(bare, 'main.js'));
      } catch (e) {
        error = e;
      }
      expect(isExgateError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/npm package chdb\) is not installed/);
      expect((error as Error).message).toContain('EXGATE_STORE=clickhouse');
      expect((error as Error).message).toContain('target embedded');
      expect(((error as Error).cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
