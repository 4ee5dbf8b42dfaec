import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { RowSource, SqlDriver } from '../ports';
import { closedError, storeError, type ErrorFacts } from './errors';
import { rowsOf } from '../row-source';

export interface ClickHouseServerOptions {
  /** e.g. `http://clickhouse:8123`. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Per request; default 30 s (the client's). */
  readonly requestTimeoutMs?: number;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'ECONNABORTED',
]);

function httpFacts(e: unknown): ErrorFacts {
  // Not `instanceof ClickHouseError`: the client and a plugged-in connection may each carry their
  // own copy of the class. A ClickHouse exception has a numeric code; socket errors have `ECONN…`.
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    return { unreachable: false, clickhouseCode: Number.parseInt(code, 10) };
  }
  // No ClickHouse exception: retriable only when the request never got an answer.
  const message = e instanceof Error ? e.message : '';
  const network = (typeof code === 'string' && NETWORK_CODES.has(code)) || /timeout|socket hang up/i.test(message);
  return { unreachable: network };
}

/**
 * A ClickHouse server through `@clickhouse/client` (HTTP). Same SQL as the embedded engine;
 * parameters travel as `query_params` and are bound by the server.
 */
export class ClickHouseHttpDriver implements SqlDriver {
  private closed = false;

  /** Takes an already built client (tests plug the embedded engine in through `chdb/connection`). */
  constructor(private readonly client: ClickHouseClient) {}

  static connect(options: ClickHouseServerOptions): ClickHouseHttpDriver {
    return new ClickHouseHttpDriver(
      createClient({
        url: options.url,
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(options.requestTimeoutMs === undefined ? {} : { request_timeout: options.requestTimeoutMs }),
        application: 'exgate',
        // Failures surface as typed errors to the caller, which logs them once with context.
        log: { level: ClickHouseLogLevel.OFF },
      }),
    );
  }

  async exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void> {
    this.ensureOpen();
    try {
      await this.client.command({ query: sql, ...(params ? { query_params: { ...params } } : {}) });
    } catch (e) {
      throw storeError(e, sql, httpFacts(e));
    }
  }

  async query<Row>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<Row[]> {
    this.ensureOpen();
    try {
      const result = await this.client.query({
        query: sql,
        format: 'JSONEachRow',
        ...(params ? { query_params: { ...params } } : {}),
      });
      return await result.json<Row>();
    } catch (e) {
      throw storeError(e, sql, httpFacts(e));
    }
  }

  async insert(table: string, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
    this.ensureOpen();
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' });
    } catch (e) {
      throw storeError(e, `INSERT INTO ${table}`, httpFacts(e));
    }
  }

  /** JSON rows, as `insert`: the server's client takes objects. */
  async insertItems<T>(table: string, items: readonly T[], source: RowSource<T>): Promise<void> {
    this.ensureOpen();
    await this.insert(table, await rowsOf(items, source));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError('ClickHouse server store');
  }
}
