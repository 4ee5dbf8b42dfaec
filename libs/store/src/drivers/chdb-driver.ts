import { mkdirSync, rmSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Session } from 'chdb';
import { ExgateError } from '@exgate/errors';
import { TurnBudget } from '@exgate/runtime';
import type { RowSource, SqlDriver } from '../ports';
import { loadChdb } from './chdb-module';
import { closedError, storeError, type ErrorFacts } from './errors';
import { parseJsonLines, toInsertPayload } from './json-lines';
import { rowBinary, rowBinaryOf, type RowBinaryPayload } from './row-binary';
import { rowsOf } from '../row-source';

/**
 * libchdb binds ONE data directory per process. Every ChdbDriver on the same folder shares one
 * Session (reference-counted); asking for a second folder while one is open is a configuration
 * error, and moving to another folder waits until the previous engine has let go of its own.
 */
interface Engine {
  readonly dataDir: string;
  readonly session: Session;
  /** Where RowBinary inserts are written for the engine to read (emptied on open). */
  readonly insertsDir: string;
  /** Each table's insertable columns → type; forgotten on any DDL and any failed insert. */
  readonly layouts: Map<string, Promise<ReadonlyMap<string, string>>>;
  refs: number;
}

/** Names each RowBinary file of this process apart. */
let insertSeq = 0;

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
    // What a crash left behind.
    const insertsDir = path.join(dataDir, 'exgate-inserts');
    rmSync(insertsDir, { recursive: true, force: true });
    mkdirSync(insertsDir, { recursive: true });
    current = { dataDir, session, insertsDir, layouts: new Map(), refs: 0 };
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

export interface ChdbDriverOptions {
  /**
   * Inserts of at least this many rows go as RowBinary. Below it the file's cost is more than the
   * engine saves: 1,000-row inserts took 1.1–1.3× as long, 2,000 about as long, 10,000 half (ADR 0019).
   */
  readonly rowBinaryFromRows?: number;
}

/** The embedded engine (npm `chdb`), data in a local folder. Every call runs off the event loop. */
export class ChdbDriver implements SqlDriver {
  private closed = false;

  private constructor(
    private readonly engine: Engine,
    private readonly rowBinaryFromRows: number,
  ) {}

  /** Opens (or joins) the process's engine on `dataDir`. */
  static async open(dataDir: string, options: ChdbDriverOptions = {}): Promise<ChdbDriver> {
    return new ChdbDriver(await acquireEngine(path.resolve(dataDir)), options.rowBinaryFromRows ?? 2_000);
  }

  /** The folder this process's engine is bound to, if any. */
  static openDataDir(): string | null {
    return current?.dataDir ?? null;
  }

  get dataDir(): string {
    return this.engine.dataDir;
  }

  async exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void> {
    this.engine.layouts.clear();
    await this.run(sql, params, 'TabSeparated');
  }

  async query<Row>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<Row[]> {
    return parseJsonLines<Row>(await this.run(sql, params, 'JSONEachRow'));
  }

  /**
   * RowBinary where every column's type and value allows it (the engine reads it in about half the
   * time of JSON, ADR 0019), JSON otherwise. The RowBinary bytes reach the engine through a file
   * and its `file()` table function: chdb's insert call takes text formats only.
   */
  async insert(table: string, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
    if (rows.length === 0) return;
    this.session();
    if (rows.length >= this.rowBinaryFromRows) {
      const binary = await this.inserting(table, async () => rowBinary(rows, await this.layout(table), TurnBudget.process));
      if (binary) return this.inserting(table, () => this.insertFile(table, binary));
    }
    return this.insertJson(table, rows);
  }

  /** As `insert`, with the RowBinary written from the items' values, no row object each. */
  async insertItems<T>(table: string, items: readonly T[], source: RowSource<T>): Promise<void> {
    if (items.length === 0) return;
    this.session();
    if (items.length >= this.rowBinaryFromRows) {
      // A bad item's INVALID_ARGUMENT comes out as it is, and keeps the table's layout.
      const binary = await rowBinaryOf(items, source, await this.inserting(table, () => this.layout(table)), TurnBudget.process);
      if (binary) return this.inserting(table, () => this.insertFile(table, binary));
    }
    // Straight to JSON: where RowBinary from the values gave up, RowBinary from the rows would too.
    return this.insertJson(table, await rowsOf(items, source));
  }

  private insertJson(table: string, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
    return this.inserting(table, async () => {
      const payload = await toInsertPayload(rows);
      await this.session().insert({
        table,
        values: payload.body,
        format: payload.format,
        ...(payload.columns ? { columns: payload.columns } : {}),
        // The engine's default queues inserts (async_insert); ours are already batches, and
        // writing the part directly is faster and acknowledges only what is on disk.
        settings: { async_insert: 0 },
      });
    });
  }

  /** An engine call of an insert: a failure forgets the table's layout and is a store error. */
  private async inserting<R>(table: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (e) {
      this.engine.layouts.delete(table);
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

  /** The table's insertable columns and their types (`db.table`, or a table of the current database). */
  private layout(table: string): Promise<ReadonlyMap<string, string>> {
    let layout = this.engine.layouts.get(table);
    if (!layout) {
      const dot = table.indexOf('.');
      const sql = `SELECT name, type FROM system.columns
        WHERE database = ${dot < 0 ? 'currentDatabase()' : '{database:String}'} AND table = {table:String}
          AND default_kind NOT IN ('MATERIALIZED', 'ALIAS')`;
      const params = dot < 0 ? { table } : { database: table.slice(0, dot), table: table.slice(dot + 1) };
      layout = this.run(sql, params, 'JSONEachRow').then(
        (text) => new Map(parseJsonLines<{ name: string; type: string }>(text).map((c) => [c.name, c.type])),
      );
      this.engine.layouts.set(table, layout);
      layout.catch(() => this.engine.layouts.delete(table));
    }
    return layout;
  }

  private async insertFile(table: string, payload: RowBinaryPayload): Promise<void> {
    const file = path.join(this.engine.insertsDir, `${process.pid}-${++insertSeq}.rowbinary`);
    await writeFile(file, payload.body);
    try {
      await this.session().queryAsync(
        `INSERT INTO ${table} (${payload.columns.map((c) => `\`${c}\``).join(', ')})
         SELECT * FROM file(${sqlText(file)}, 'RowBinary', ${sqlText(payload.structure)})
         SETTINGS async_insert = 0`,
        { format: 'TabSeparated' },
      );
    } finally {
      await unlink(file).catch(() => undefined);
    }
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

/** A SQL string literal. */
function sqlText(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
