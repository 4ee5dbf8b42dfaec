import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Session } from 'chdb';
import { ExgateError } from '@exgate/errors';
import type { SqlDriver } from '../ports';
import { loadChdb } from './chdb-module';
import { closedError, storeError, type ErrorFacts } from './errors';
import { parseJsonLines, toInsertPayload } from './json-lines';

/**
 * libchdb binds ONE data directory per process. Every ChdbDriver on the same folder shares one
 * Session (reference-counted); asking for a second folder while one is open is a configuration
 * error, and moving to another folder waits until the previous engine has let go of its own.
 */
interface Engine {
  readonly dataDir: string;
  readonly session: Session;
  refs: number;
}

let current: Engine | null = null;
let releasing: Promise<void> = Promise.resolve();

async function releaseEngine(engine: Engine): Promise<void> {
  engine.session.close();
  // close() returns before the connection is gone when an operation is still running on it.
  await loadChdb().drainPending();
}

async function acquireEngine(dataDir: string): Promise<Engine> {
  // Wait for every release begun so far, including one started while we waited.
  for (let seen = releasing; ; seen = releasing) {
    await seen;
    if (seen === releasing) break;
  }
  if (current && current.dataDir !== dataDir) {
    throw new ExgateError(
      'CONFIG_INVALID',
      `the embedded ClickHouse engine holds ${current.dataDir} and can bind only one data folder per process; ` +
        `close every store on it before opening ${dataDir}`,
      { details: { open: current.dataDir, requested: dataDir } },
    );
  }
  if (!current) {
    const { Session: ChdbSession } = loadChdb();
    mkdirSync(dataDir, { recursive: true });
    let session: Session;
    try {
      // Tables load synchronously, so the first query after a restart never finds them loading.
      session = new ChdbSession(dataDir, { connectionArgs: ['--async_load_databases=0'] });
    } catch (e) {
      if (/one active data directory/i.test(e instanceof Error ? e.message : '')) {
        // Held by a session this registry does not know: chdb used directly, or an earlier jest
        // test file in this worker that did not close its store.
        throw new ExgateError(
          'CONFIG_INVALID',
          `the embedded ClickHouse engine of this process is bound to another data folder; cannot open ${dataDir}`,
          { cause: e, details: { requested: dataDir } },
        );
      }
      throw storeError(e, '-- open session', chdbFacts(e));
    }
    current = { dataDir, session, refs: 0 };
  }
  current.refs += 1;
  return current;
}

function chdbFacts(e: unknown): ErrorFacts {
  const err = e as { code?: unknown; clickhouseCode?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  return {
    unreachable: code === 'CHDB_CONNECTION' || code === 'CHDB_CLOSED',
    ...(typeof err?.clickhouseCode === 'number' ? { clickhouseCode: err.clickhouseCode } : {}),
  };
}

/** The embedded engine (npm `chdb`), data in a local folder. Every call runs off the event loop. */
export class ChdbDriver implements SqlDriver {
  private closed = false;

  private constructor(private readonly engine: Engine) {}

  /** Opens (or joins) the process's engine on `dataDir`. */
  static async open(dataDir: string): Promise<ChdbDriver> {
    return new ChdbDriver(await acquireEngine(path.resolve(dataDir)));
  }

  /** The folder this process's engine is bound to, if any. */
  static openDataDir(): string | null {
    return current?.dataDir ?? null;
  }

  get dataDir(): string {
    return this.engine.dataDir;
  }

  async exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void> {
    await this.run(sql, params, 'TabSeparated');
  }

  async query<Row>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<Row[]> {
    return parseJsonLines<Row>(await this.run(sql, params, 'JSONEachRow'));
  }

  async insert(table: string, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
    if (rows.length === 0) return;
    const session = this.session();
    try {
      const payload = await toInsertPayload(rows);
      await session.insert({
        table,
        values: payload.body,
        format: payload.format,
        ...(payload.columns ? { columns: payload.columns } : {}),
        // The engine's default queues inserts (async_insert); ours are already batches, and
        // writing the part directly is faster and acknowledges only what is on disk.
        settings: { async_insert: 0 },
      });
    } catch (e) {
      throw storeError(e, `INSERT INTO ${table}`, chdbFacts(e));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.refs -= 1;
    if (this.engine.refs > 0) return;
    if (current === this.engine) current = null;
    const release = releaseEngine(this.engine);
    releasing = release.catch(() => undefined);
    await release;
  }

  private session(): Session {
    if (this.closed) throw closedError(`embedded ClickHouse store on ${this.engine.dataDir}`);
    return this.engine.session;
  }

  private async run(sql: string, params: Readonly<Record<string, unknown>> | undefined, format: string): Promise<string> {
    const session = this.session();
    try {
      const result =
        params && Object.keys(params).length > 0
          ? await session.queryBindAsync(sql, params, { format })
          : await session.queryAsync(sql, { format });
      return result.text();
    } catch (e) {
      throw storeError(e, sql, chdbFacts(e));
    }
  }
}
