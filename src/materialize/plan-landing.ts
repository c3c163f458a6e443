/**
 * The SQL of ingestion's landing tables: their DDL and the read of the latest batch. What lands and
 * why the tables look like this (one row per distinct payload, `_inserted_at` as the version) is
 * explained in ingest/landing-plan.ts, which plans the rows.
 */
import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { onCluster } from './ddl.js';
import type { Plan, Statement } from './plan.js';

/** How `_inserted_at` is stored: milliseconds (`DateTime64(3)`) or, on servers before 20.1, seconds (`DateTime`). */
export type StampPrecision = 'ms' | 's';

const STAMP_TYPE: Record<StampPrecision, string> = { ms: "DateTime64(3, 'UTC')", s: "DateTime('UTC')" };

/** Where one source lands. */
export interface LandingTables {
  database: string;
  table: string;
  /** Also create `<table>__rejected`. */
  quarantine: boolean;
  /** The target's cluster: the tables are created ON CLUSTER, so they exist on every server the models read from. */
  cluster?: string | undefined;
}

export function rejectedTableName(table: string): string {
  return `${table}__rejected`;
}

export function landingDatabaseDdl(database: string, cluster?: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}${onCluster({ cluster })}`;
}

export function landingTableDdl(database: string, table: string, precision: StampPrecision = 'ms', cluster?: string): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, table)}${onCluster({ cluster })} (`,
    '  payload String,',
    "  _hash String COMMENT 'sha256 (hex) of payload',",
    "  _source_url String COMMENT 'where the payload came from, credentials redacted',",
    `  _inserted_at ${STAMP_TYPE[precision]}`,
    ')',
    'ENGINE = ReplacingMergeTree(_inserted_at)',
    'ORDER BY _hash',
  ].join('\n');
}

export function rejectedTableDdl(database: string, table: string, precision: StampPrecision = 'ms', cluster?: string): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, rejectedTableName(table))}${onCluster({ cluster })} (`,
    '  payload String,',
    '  reason String,',
    '  _source_url String,',
    `  _inserted_at ${STAMP_TYPE[precision]}`,
    ')',
    'ENGINE = MergeTree',
    'ORDER BY _inserted_at',
  ].join('\n');
}

/** The statements that create the landing database and tables when missing (idempotent: IF NOT EXISTS). */
export function planLandingTables(target: LandingTables, precision: StampPrecision): Plan {
  const statements: Statement[] = [
    { sql: landingDatabaseDdl(target.database, target.cluster), purpose: 'create the landing database' },
    { sql: landingTableDdl(target.database, target.table, precision, target.cluster), purpose: 'create the landing table' },
  ];
  if (target.quarantine) {
    statements.push({ sql: rejectedTableDdl(target.database, target.table, precision, target.cluster), purpose: 'create the quarantine table' });
  }
  return { statements, cleanup: [] };
}

/** The hashes and stamp of the latest batch in `database.table` (empty when the table is). */
export function latestBatchSql(database: string, table: string, precision: StampPrecision = 'ms'): string {
  const name = qualifiedName(database, table);
  // toUnixTimestamp64Milli came with DateTime64; a DateTime is whole seconds since the epoch.
  const ms = precision === 'ms' ? 'toUnixTimestamp64Milli(_inserted_at)' : 'toUInt64(toUInt32(_inserted_at)) * 1000';
  return `SELECT _hash, toString(${ms}) AS inserted_at_ms FROM ${name} WHERE _inserted_at = (SELECT max(_inserted_at) FROM ${name})`;
}

/**
 * The latest batch as a set fingerprint (ingest/spooled-reply.ts): how many distinct hashes, and
 * the sums, modulo 2^64, of the first and second 8 bytes of each (read little-endian), so a reply
 * too large to keep in memory is compared with it without reading every hash back.
 */
export function latestBatchFingerprintSql(database: string, table: string, precision: StampPrecision = 'ms'): string {
  const name = qualifiedName(database, table);
  const ms = precision === 'ms' ? 'toUnixTimestamp64Milli(_inserted_at)' : 'toUInt64(toUInt32(_inserted_at)) * 1000';
  const word = (from: number) => `toString(sumWithOverflow(reinterpretAsUInt64(substring(unhex(_hash), ${from}, 8))))`;
  return (
    `SELECT toString(count()) AS count, ${word(1)} AS low, ${word(9)} AS high, toString(any(inserted_at_ms)) AS inserted_at_ms ` +
    `FROM (SELECT DISTINCT _hash, ${ms} AS inserted_at_ms FROM ${name} WHERE _inserted_at = (SELECT max(_inserted_at) FROM ${name}))`
  );
}
