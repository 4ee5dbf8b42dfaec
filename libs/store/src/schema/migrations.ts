/**
 * The schema, as an append-only list. A migration that has run is never edited: change the schema
 * with a new entry. Every statement is idempotent (IF NOT EXISTS, …) so a migration interrupted
 * halfway simply runs again; `schema_migrations` records the ones that completed.
 *
 * `db` is the store's database name, validated as a plain identifier before it reaches SQL
 * (identifiers cannot be bound as parameters in DDL).
 */
export interface Migration {
  readonly id: string;
  readonly statements: (db: string) => readonly string[];
}

const INTERVAL_ENUM =
  "Enum8('1s' = 1, '1m' = 2, '3m' = 3, '5m' = 4, '15m' = 5, '30m' = 6, '1h' = 7, '2h' = 8, " +
  "'4h' = 9, '6h' = 10, '8h' = 11, '12h' = 12, '1d' = 13, '3d' = 14, '1w' = 15, '1M' = 16)";

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_trades',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.trades
      (
        exchange LowCardinality(String),
        symbol LowCardinality(String),
        kind Enum8('trade' = 1, 'aggTrade' = 2),
        id UInt64,
        first_trade_id UInt64,
        last_trade_id UInt64,
        price Decimal(38, 18),
        qty Decimal(38, 18),
        is_buyer_maker Bool,
        market Bool,
        exchange_time DateTime64(3, 'UTC'),
        event_time DateTime64(3, 'UTC'),
        received_at DateTime64(3, 'UTC'),
        -- ReplacingMergeTree keeps the highest version; the inverse of received_at makes the first
        -- receipt of a print win over a later replay or REST backfill, whatever the insert order.
        first_seen_version UInt64 MATERIALIZED
          18446744073709551615 - toUInt64(toUnixTimestamp64Milli(received_at)),
        -- Ids follow time within a stream, so per-granule time bounds prune time-window reads.
        INDEX exchange_time_minmax exchange_time TYPE minmax GRANULARITY 1
      )
      ENGINE = ReplacingMergeTree(first_seen_version)
      PARTITION BY toYYYYMM(exchange_time)
      ORDER BY (exchange, symbol, kind, id)`,
    ],
  },
  {
    id: '0002_candles',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.candles
      (
        exchange LowCardinality(String),
        symbol LowCardinality(String),
        interval ${INTERVAL_ENUM},
        open_time DateTime64(3, 'UTC'),
        close_time DateTime64(3, 'UTC'),
        open Decimal(38, 18),
        high Decimal(38, 18),
        low Decimal(38, 18),
        close Decimal(38, 18),
        volume Decimal(38, 18),
        quote_volume Decimal(76, 36),
        taker_buy_volume Decimal(38, 18),
        taker_buy_quote_volume Decimal(76, 36),
        trade_count UInt64,
        first_trade_id Nullable(UInt64),
        last_trade_id Nullable(UInt64),
        gap_free Bool,
        state Enum8('forming' = 1, 'closed' = 2, 'corrected' = 3),
        version UInt64
      )
      ENGINE = ReplacingMergeTree(version)
      PARTITION BY toYYYYMM(open_time)
      ORDER BY (exchange, symbol, interval, open_time)`,
    ],
  },
  {
    // Exchanges whose trade ids carry no order (Bybit's UUIDs, INTX's 64-bit ids): `id` is
    // exgate's sequence and this is the exchange's own id. Empty where `id` is the exchange's.
    id: '0003_trades_source_id',
    statements: (db) => [`ALTER TABLE ${db}.trades ADD COLUMN IF NOT EXISTS source_id String DEFAULT ''`],
  },
];

/** Created before any migration runs: where they are recorded. */
export function bootstrapStatements(db: string): readonly string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
    (
      id String,
      applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    )
    ENGINE = ReplacingMergeTree
    ORDER BY id`,
  ];
}
