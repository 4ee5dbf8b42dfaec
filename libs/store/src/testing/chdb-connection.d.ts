// chdb ships `chdb/connection` behind package.json "exports", which this repo's TypeScript
// resolution (node10) does not read; jest and node resolve it at run time.
declare module 'chdb/connection' {
  import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
  export function createChdbConnection(options?: {
    path?: string;
  }): NonNullable<ClickHouseClientConfigOptions['connection']>;
}
