import { ExgateError, errorMessage, isExgateError } from '@exgate/errors';

/**
 * ClickHouse exception codes that say "try again later" rather than "this statement is wrong":
 * timeouts, overload, too many parts, network trouble between replicas, keeper hiccups.
 */
const RETRIABLE_CLICKHOUSE_CODES = new Set([159, 202, 203, 209, 210, 241, 242, 252, 285, 319, 425, 999]);

export interface ErrorFacts {
  /** The ClickHouse exception code, when the engine answered with one. */
  readonly clickhouseCode?: number;
  /** True when the engine never saw the statement (connection refused, socket closed, engine closed). */
  readonly unreachable: boolean;
}

/** One place that turns a driver failure into the typed store errors retries branch on. */
export function storeError(cause: unknown, sql: string, facts: ErrorFacts): ExgateError {
  if (isExgateError(cause)) return cause;
  const statement = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
  const details = { statement, ...(facts.clickhouseCode === undefined ? {} : { clickhouseCode: facts.clickhouseCode }) };
  if (facts.unreachable || (facts.clickhouseCode !== undefined && RETRIABLE_CLICKHOUSE_CODES.has(facts.clickhouseCode))) {
    return new ExgateError('STORE_UNAVAILABLE', `ClickHouse unavailable: ${errorMessage(cause)}`, { cause, details });
  }
  return new ExgateError('STORE_QUERY_FAILED', `ClickHouse query failed: ${errorMessage(cause)}`, { cause, details });
}

export function closedError(what: string): ExgateError {
  return new ExgateError('STORE_UNAVAILABLE', `${what} is closed`, { retriable: false });
}
