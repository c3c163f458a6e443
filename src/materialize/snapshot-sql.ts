import type { SnapshotColumnNames, SnapshotSpec } from './snapshot-spec.js';
import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import type { Column } from './schema-change.js';

/**
 * SELECT texts of a snapshot build (see plan-snapshot.ts for the statements around them). The
 * snapshot's query is first copied into a staging table with its key parts (`__tsdbt_key_<n>`)
 * and its version time (`__tsdbt_updated_at`) computed once; every later query reads that copy,
 * so all of them see the same source rows.
 */

export const KEY_PREFIX = '__tsdbt_key_';
export const UPDATED_AT = '__tsdbt_updated_at';
const IN_SOURCE = '__tsdbt_in_source';
const IN_TARGET = '__tsdbt_in_target';
/**
 * LEFT JOINs below tell a missing row by a flag column read as 0, the default of a column with no
 * match: every statement that runs them ends with this (a query's SETTINGS reach its subqueries).
 */
export const JOIN_SETTINGS = 'SETTINGS join_use_nulls = 0';

/** What the queries of one snapshot build need to know beyond its config. */
export interface SnapshotShape {
  spec: SnapshotSpec;
  /** The snapshot table, and the staging table holding this run's source rows. */
  target: [string, string];
  staged: [string, string];
  /** Columns of the snapshot's query (the staging table without its `__tsdbt_` columns). */
  sourceColumns: readonly Column[];
  /** Columns of the existing snapshot table (none on the first run). */
  tableColumns: readonly Column[];
  /** Type of `dbt_valid_from`/`dbt_updated_at`; `dbt_valid_to` is `Nullable` of it without its own `Nullable`. */
  fromType: string;
  /** The snapshot time, as a SQL literal (the same in every statement of the run). */
  now: string;
}

/** `toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC')`. */
export function snapshotTimeLiteral(now: Date): string {
  return `toDateTime64(${quoteString(`${now.toISOString().slice(0, 23).replace('T', ' ')}000`)}, 6, 'UTC')`;
}

export function stripNullable(type: string): string {
  const match = /^Nullable\((.*)\)$/.exec(type.trim());
  return match === null ? type.trim() : match[1]!.trim();
}

export function validToType(shape: Pick<SnapshotShape, 'fromType'>): string {
  return `Nullable(${stripNullable(shape.fromType)})`;
}

/** The copy of the snapshot's query made at the start of each run, with its keys and version time. */
export function stagingSelect(spec: SnapshotSpec, sql: string, now: string): string {
  const keys = spec.uniqueKey.map((key, index) => `${key} AS ${KEY_PREFIX}${index + 1}`);
  const updatedAt = spec.updatedAt ?? now;
  const query = sql.trim().replace(/(\s*;)+$/, '');
  return `SELECT *, ${[...keys, `${updatedAt} AS ${UPDATED_AT}`].join(', ')}\nFROM (\n${query}\n) AS __tsdbt_source`;
}

const col = (alias: string, name: string) => `${alias}.${quoteIdentifier(name)}`;
const keyNames = (spec: SnapshotSpec) => spec.uniqueKey.map((_, index) => `${KEY_PREFIX}${index + 1}`);
const joinOn = (spec: SnapshotSpec, left: string, right: string) =>
  keyNames(spec)
    .map((key) => `${left}.${key} = ${right}.${key}`)
    .join(' AND ');
const hasColumn = (columns: readonly Column[], name: string) => columns.some((column) => column.name === name);

/** The snapshot table's rows with their key parts, optionally only the current ones. */
function targetRows(shape: SnapshotShape, onlyCurrent: boolean, extra = ''): string {
  const keys = shape.spec.uniqueKey.map((key, index) => `${key} AS ${KEY_PREFIX}${index + 1}`).join(', ');
  return `(SELECT *, ${keys}${extra} FROM ${qualifiedName(...shape.target)}${onlyCurrent ? ` WHERE ${isCurrent(shape, undefined)}` : ''})`;
}

/** dbt's "current row": `dbt_valid_to` is NULL, or `dbt_valid_to_current` when that is set. */
export function isCurrent(shape: Pick<SnapshotShape, 'spec'>, alias: string | undefined): string {
  const validTo = alias === undefined ? quoteIdentifier(shape.spec.columnNames.dbt_valid_to) : col(alias, shape.spec.columnNames.dbt_valid_to);
  const current = shape.spec.validToCurrent;
  return current === undefined ? `isNull(${validTo})` : `(isNull(${validTo}) OR ${validTo} = ${current})`;
}

/** A current row that new_record wrote to mark its key as deleted from the source. */
function deletedRecord(shape: SnapshotShape, alias: string): string | undefined {
  const name = shape.spec.columnNames.dbt_is_deleted;
  // A column added by a later switch to new_record is NULL on older rows: NULL is "not deleted".
  return hasColumn(shape.tableColumns, name) ? `ifNull(${col(alias, name)}, '') = 'True'` : undefined;
}

/** Null-safe "differs", as dbt's check strategy writes it. */
function differs(left: string, right: string): string {
  return `(${left} != ${right} OR (isNull(${left}) AND isNotNull(${right})) OR (isNotNull(${left}) AND isNull(${right})))`;
}

/** dbt's `row_changed` between the current row `c` and the source row `s` of the same key. */
export function rowChanged(shape: SnapshotShape, c: string, s: string): string {
  const { spec } = shape;
  let changed: string;
  if (spec.strategy === 'timestamp') {
    changed = `${col(c, spec.columnNames.dbt_valid_from)} < ${s}.${UPDATED_AT}`;
  } else {
    const columns = spec.checkCols === 'all' ? shape.sourceColumns.map((column) => column.name) : spec.checkCols;
    // As in dbt: a checked column the table does not have yet makes every row a new version.
    // ifNull: two NULLs compare as NULL, which must read as "not changed" in multiIf as in WHERE.
    changed = columns.some((name) => !hasColumn(shape.tableColumns, name))
      ? '1'
      : `ifNull(${columns.map((name) => differs(col(c, name), col(s, name))).join(' OR ')}, 0)`;
  }
  const deleted = spec.hardDeletes === 'new_record' ? deletedRecord(shape, c) : undefined;
  return deleted === undefined ? `(${changed})` : `(${changed} OR ${deleted})`;
}

/** `lower(hex(MD5(concat(…))))` of the parts joined by `|`: dbt's snapshot_hash_arguments, as a hex string. */
function hash(parts: readonly string[]): string {
  return `lower(hex(MD5(concat(${parts.map((part) => `ifNull(toString(${part}), '')`).join(", '|', ")}))))`;
}

/** The meta columns every snapshot row carries, in table order. */
export function metaColumns(shape: Pick<SnapshotShape, 'spec' | 'fromType'>): Column[] {
  const names = shape.spec.columnNames;
  return [
    { name: names.dbt_scd_id, type: 'String' },
    { name: names.dbt_updated_at, type: shape.fromType },
    { name: names.dbt_valid_from, type: shape.fromType },
    { name: names.dbt_valid_to, type: validToType(shape) },
    ...(shape.spec.hardDeletes === 'new_record' ? [{ name: names.dbt_is_deleted, type: 'Nullable(String)' }] : []),
  ];
}

const META_KEYS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'] as const;

export function isMetaColumn(names: SnapshotColumnNames, name: string): boolean {
  return META_KEYS.some((key) => names[key] === name);
}

/**
 * New versions: source rows whose key has no current row, or whose current row changed (dbt's
 * `insertions`). Columns: the source's, then the meta columns (`insertColumns` lists them).
 */
export function newVersionsSelect(shape: SnapshotShape): string {
  const { spec } = shape;
  const version = `CAST(s.${UPDATED_AT} AS ${shape.fromType})`;
  const validTo = `CAST(${spec.validToCurrent ?? 'NULL'} AS ${validToType(shape)})`;
  const values = [
    ...shape.sourceColumns.map((column) => col('s', column.name)),
    hash([...keyNames(spec).map((key) => `s.${key}`), version]),
    version,
    version,
    validTo,
    ...(spec.hardDeletes === 'new_record' ? ["'False'"] : []),
  ];
  const from = `FROM ${qualifiedName(...shape.staged)} AS s`;
  if (shape.tableColumns.length === 0) return `SELECT ${values.join(',\n  ')}\n${from}`;
  return [
    `SELECT ${values.join(',\n  ')}`,
    from,
    `LEFT ANY JOIN ${targetRows(shape, true, `, 1 AS ${IN_TARGET}`)} AS c ON ${joinOn(spec, 'c', 's')}`,
    `WHERE c.${IN_TARGET} = 0 OR ${rowChanged(shape, 'c', 's')}`,
  ].join('\n');
}

/** The columns `newVersionsSelect` fills, in its order. */
export function insertColumns(shape: Pick<SnapshotShape, 'spec' | 'fromType' | 'sourceColumns'>): string[] {
  return [...shape.sourceColumns.map((column) => column.name), ...metaColumns(shape).map((column) => column.name)];
}

/**
 * Every row of the snapshot table, with `dbt_valid_to` set on the current rows this run closes:
 * changed in the source (closed at the new version's time), or gone from it with hard_deletes
 * invalidate/new_record (closed at the snapshot time). Nothing else about history changes.
 */
export function historySelect(shape: SnapshotShape): string {
  const { spec } = shape;
  const names = spec.columnNames;
  const validToType = `Nullable(${stripNullable(shape.fromType)})`;
  const current = isCurrent(shape, 't');
  const branches = [`${current} AND s.${IN_SOURCE} = 1 AND ${rowChanged(shape, 't', 's')}, CAST(s.${UPDATED_AT} AS ${validToType})`];
  if (spec.hardDeletes !== 'ignore') {
    const deleted = spec.hardDeletes === 'new_record' ? deletedRecord(shape, 't') : undefined;
    branches.push(`${current} AND s.${IN_SOURCE} = 0${deleted === undefined ? '' : ` AND NOT (${deleted})`}, CAST(${shape.now} AS ${validToType})`);
  }
  const values = shape.tableColumns.map((column) =>
    column.name === names.dbt_valid_to ? `multiIf(\n    ${branches.join(',\n    ')},\n    ${col('t', column.name)}\n  )` : col('t', column.name),
  );
  return [
    `SELECT ${values.join(',\n  ')}`,
    `FROM ${targetRows(shape, false)} AS t`,
    `LEFT ANY JOIN (SELECT *, 1 AS ${IN_SOURCE} FROM ${qualifiedName(...shape.staged)}) AS s ON ${joinOn(spec, 't', 's')}`,
  ].join('\n');
}

/**
 * hard_deletes new_record: for each current row whose key left the source, a row that says so
 * (`dbt_is_deleted = 'True'`, valid from the snapshot time), as dbt's `deletion_records`.
 * Columns: the table's own columns, then the meta columns (`deletionColumns`).
 */
export function deletionRecordsSelect(shape: SnapshotShape): string {
  const { spec } = shape;
  const names = spec.columnNames;
  const time = `CAST(${shape.now} AS ${shape.fromType})`;
  const values = [
    ...dataColumns(shape).map((column) => col('c', column.name)),
    hash([col('c', names.dbt_scd_id), shape.now]),
    time,
    time,
    col('c', names.dbt_valid_to),
    "'True'",
  ];
  const deleted = deletedRecord(shape, 'c');
  return [
    `SELECT ${values.join(',\n  ')}`,
    `FROM ${targetRows(shape, true)} AS c`,
    `LEFT ANY JOIN (SELECT ${keyNames(spec).join(', ')}, 1 AS ${IN_SOURCE} FROM ${qualifiedName(...shape.staged)}) AS s ON ${joinOn(spec, 'c', 's')}`,
    `WHERE s.${IN_SOURCE} = 0${deleted === undefined ? '' : ` AND NOT (${deleted})`}`,
  ].join('\n');
}

/** The table's columns that are not meta columns (what deletion records copy). */
function dataColumns(shape: SnapshotShape): Column[] {
  return shape.tableColumns.filter((column) => !isMetaColumn(shape.spec.columnNames, column.name));
}

export function deletionColumns(shape: SnapshotShape): string[] {
  const names = shape.spec.columnNames;
  return [
    ...dataColumns(shape).map((column) => column.name),
    names.dbt_scd_id,
    names.dbt_updated_at,
    names.dbt_valid_from,
    names.dbt_valid_to,
    names.dbt_is_deleted,
  ];
}

/**
 * One row saying what this run would change, read before anything is written: keys that are not
 * unique or NULL (the run stops), new versions and rows closed by a hard delete (none: nothing to do).
 */
export function changesSelect(shape: SnapshotShape): string {
  const keys = keyNames(shape.spec).join(', ');
  const staged = qualifiedName(...shape.staged);
  const tuple = shape.spec.uniqueKey.length === 1 ? `toString(${KEY_PREFIX}1)` : `toString(tuple(${keys}))`;
  const duplicates = `(SELECT ${keys} FROM ${staged} GROUP BY ${keys} HAVING count() > 1)`;
  const anyNull = keyNames(shape.spec)
    .map((key) => `isNull(${key})`)
    .join(' OR ');
  const deletions = shape.tableColumns.length === 0 || shape.spec.hardDeletes === 'ignore' ? '0' : `(SELECT count() FROM (${closedByDeleteSelect(shape)}))`;
  return [
    'SELECT',
    `  (SELECT count() FROM ${duplicates}) AS duplicate_keys,`,
    `  (SELECT groupArray(3)(${tuple}) FROM ${duplicates}) AS duplicate_examples,`,
    `  (SELECT countIf(${anyNull}) FROM ${staged}) AS null_keys,`,
    `  (SELECT count() FROM (\n${newVersionsSelect(shape)}\n)) AS new_versions,`,
    `  ${deletions} AS deletions`,
    JOIN_SETTINGS,
  ].join('\n');
}

/** Current rows that a hard delete closes this run (hard_deletes invalidate or new_record). */
function closedByDeleteSelect(shape: SnapshotShape): string {
  const deleted = shape.spec.hardDeletes === 'new_record' ? deletedRecord(shape, 'c') : undefined;
  return [
    `SELECT 1 FROM ${targetRows(shape, true)} AS c`,
    `LEFT ANY JOIN (SELECT ${keyNames(shape.spec).join(', ')}, 1 AS ${IN_SOURCE} FROM ${qualifiedName(...shape.staged)}) AS s ON ${joinOn(shape.spec, 'c', 's')}`,
    `WHERE s.${IN_SOURCE} = 0${deleted === undefined ? '' : ` AND NOT (${deleted})`}`,
  ].join('\n');
}
