import { createRequire } from 'node:module';
import type * as Chdb from 'chdb';
import { ExgateError } from '@exgate/errors';

export type ChdbModule = typeof Chdb;

let loaded: ChdbModule | null = null;

/**
 * The embedded engine (npm `chdb`, about 0.5 GB) is an optional dependency: the distributed
 * services' image leaves it out. It is loaded on first use, so importing @exgate/store needs
 * nothing, and a process configured for it where it is absent stops with a message that says why.
 */
export function loadChdb(): ChdbModule {
  return (loaded ??= requireChdb(__filename));
}

/** `require('chdb')` as resolved from the file `from`; a typed error when it is not installed. */
export function requireChdb(from: string): ChdbModule {
  try {
    return createRequire(from)('chdb') as ChdbModule;
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'chdb'")) {
      throw new ExgateError(
        'CONFIG_INVALID',
        'the embedded ClickHouse engine (npm package chdb) is not installed here; the distributed image leaves it out. ' +
          'Use EXGATE_STORE=clickhouse with a ClickHouse server, or the embedded image (Dockerfile target embedded)',
        { cause: e },
      );
    }
    throw e;
  }
}
