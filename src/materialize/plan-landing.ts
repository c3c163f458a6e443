/**
 * The SQL of ingestion's landing tables: their DDL and the read of the latest batch. What lands and
 * why the tables look like this (one row per distinct payload, `_inserted_at` as the version) is
 * explained in ingest/landing-plan.ts, which plans the rows.
 */
import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
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
    ...(precision === 'ms' ? [`SETTINGS ${SMALL_GRANULES}, max_parts_to_merge_at_once = 4`] : []),
  ].join('\n');
}

/**
 * Payloads are long rows: with the default granule (up to 10 MiB or 8,192 rows), a merge holds a
 * granule and the read buffers of every part it reads at once, and the engine runs several merges
 * at a time, so merging the many parts of one large reply took hundreds of MB in the process that
 * landed it. Small granules and at most four parts per merge keep that small, whatever the reply's
 * size (docs/reliability.md has the figures). Servers before 19.11 (those with `DateTime` stamps
 * here) have neither setting.
 */
const SMALL_GRANULES = 'index_granularity_bytes = 262144';

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

/** The table a spooled reply is staged in before it joins the landing table in one step (ingest/landing.ts). */
export function landingStagingName(table: string): string {
  return `${table}__tsdbt_landing`;
}

/** The comment that marks a staging table as tsdbt's own: only a table carrying it is ever dropped as a leftover. */
export const LANDING_STAGING_COMMENT = 'tsdbt: a reply being landed; dropped once landed, or by the next landing if its process died';

/** The staging table, if one exists, with its comment (to tell tsdbt's own from a table that merely has the name). */
export function landingStagingLookupSql(database: string, table: string): string {
  return `SELECT comment FROM system.tables WHERE database = ${quoteString(database)} AND name = ${quoteString(landingStagingName(table))}`;
}

/**
 * Lands a spooled reply all or nothing, as readers see it: the rows go into a staging table (as many
 * parts as the engine makes, none visible), which then joins the landing table with one ATTACH
 * PARTITION, whose parts become visible together. The staging table does not merge (its parts only
 * move), and has small granules, like the landing table.
 */
export function planStagedLanding(target: Pick<LandingTables, 'database' | 'table'>): {
  create: Statement;
  stopMerges: Statement;
  attach: Statement;
  drop: Statement;
} {
  const landing = qualifiedName(target.database, target.table);
  const staging = qualifiedName(target.database, landingStagingName(target.table));
  return {
    create: {
      sql: `CREATE TABLE ${staging} AS ${landing} ENGINE = MergeTree ORDER BY _hash SETTINGS ${SMALL_GRANULES} COMMENT ${quoteString(LANDING_STAGING_COMMENT)}`,
      purpose: 'create the staging table of a spooled reply',
    },
    stopMerges: { sql: `SYSTEM STOP MERGES ${staging}`, purpose: 'keep the staged parts as they are (they only move)' },
    attach: { sql: `ALTER TABLE ${landing} ATTACH PARTITION tuple() FROM ${staging}`, purpose: 'add every staged part to the landing table in one step' },
    drop: { sql: `DROP TABLE IF EXISTS ${staging} SYNC`, purpose: 'drop the staging table' },
  };
}
