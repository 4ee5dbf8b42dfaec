import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drainPending, Session } from 'chdb';
import { isExgateError } from '@exgate/errors';
import { ChdbDriver } from './chdb-driver';

const root = mkdtempSync(path.join(os.tmpdir(), 'exgate-chdb-driver-'));
const folder = (name: string) => path.join(root, name);
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ChdbDriver', () => {
  it('shares one engine per folder, keeps it until the last user closes, and keeps the data across reopening', async () => {
    const collector = await ChdbDriver.open(folder('a'));
    const api = await ChdbDriver.open(path.join(root, '.', 'a'));
    await collector.exec('CREATE TABLE t (n UInt32) ENGINE = MergeTree ORDER BY n');
    await api.insert('t', [{ n: 1 }, { n: 2 }]);
    await collector.close();
    await collector.close();
    expect(await api.query('SELECT sum(n) AS total FROM t')).toEqual([{ total: 3 }]);
    await api.close();
    expect(ChdbDriver.openDataDir()).toBeNull();

    const again = await ChdbDriver.open(folder('a'));
    expect(await again.query('SELECT n FROM t ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    await again.close();
  });

  it('refuses a second folder while one is open, naming both, and opens it once the first is closed', async () => {
    const first = await ChdbDriver.open(folder('b'));
    const error = await failure(ChdbDriver.open(folder('c')));
    expect(isExgateError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(folder('b'));
    expect((error as Error).message).toContain(folder('c'));
    expect(await first.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await first.close();

    const second = await ChdbDriver.open(folder('c'));
    expect(second.dataDir).toBe(folder('c'));
    await second.close();
  });

  it('moves to another folder right after a close even while a query was still running', async () => {
    const busy = await ChdbDriver.open(folder('d'));
    const running = busy.query<{ h: string }>('SELECT toString(max(sipHash64(number))) AS h FROM numbers(3000000)');
    const closing = busy.close();
    const next = ChdbDriver.open(folder('e'));
    expect((await running)[0]?.h).toMatch(/^\d+$/);
    await closing;
    const other = await next;
    expect(await other.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    await other.close();
  });

  it('answers typed errors: a bad statement fails for good, a closed driver is unavailable', async () => {
    const driver = await ChdbDriver.open(folder('f'));
    const bad = await failure(driver.query('SELECT * FROM no_such_table'));
    expect(isExgateError(bad, 'STORE_QUERY_FAILED')).toBe(true);
    expect(bad).toMatchObject({ retriable: false, details: { clickhouseCode: 60 } });
    await driver.close();
    const closed = await failure(driver.query('SELECT 1'));
    expect(isExgateError(closed, 'STORE_UNAVAILABLE')).toBe(true);
    expect(closed).toMatchObject({ retriable: false });
  });

  it('runs queries off the event loop: timers keep firing during a long query', async () => {
    const driver = await ChdbDriver.open(folder('g'));
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = Date.now();
    await driver.query('SELECT max(sipHash64(number)) AS h FROM numbers(10000000)');
    const elapsedMs = Date.now() - started;
    clearInterval(timer);
    await driver.close();
    expect(elapsedMs).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsedMs / 5 / 4));
  });
});

describe('ChdbDriver beside a session it does not manage', () => {
  it('fails with CONFIG_INVALID when chdb is already bound to another folder', async () => {
    const foreign = new Session(folder('foreign'));
    try {
      const error = await failure(ChdbDriver.open(folder('mine')));
      expect(isExgateError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain(folder('mine'));
    } finally {
      foreign.close();
      await drainPending();
    }
    const mine = await ChdbDriver.open(folder('mine'));
    expect(await mine.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
    await mine.close();
  });
});
