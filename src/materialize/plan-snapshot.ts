import type { SnapshotSpec } from './snapshot-spec.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { createDatabase, dropTable, engineClause, onCluster, swapIntoPlace, type TableEngineConfig } from './ddl.js';
import { TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import { buildStatements } from './plan-table.js';
import type { Column } from './schema-change.js';
import {
  changesSelect,
  deletionColumns,
  deletionRecordsSelect,
  historySelect,
  insertColumns,
  isMetaColumn,
  JOIN_SETTINGS,
  KEY_PREFIX,
  metaColumns,
  newVersionsSelect,
  snapshotTimeLiteral,
  stagingSelect,
  stripNullable,
  UPDATED_AT,
  type SnapshotShape,
} from './snapshot-sql.js';

export interface SnapshotModel {
  name: string;
  schema: string;
  identifier: string;
  /** The snapshot's compiled query. */
  sql: string;
  spec: SnapshotSpec;
  config: TableEngineConfig & { query_settings?: unknown };
}

/** What the database holds, read before planning. */
export interface SnapshotState {
  existing: ExistingRelation;
  /** The snapshot table's columns, when it exists. */
  tableColumns: readonly Column[];
  /** Columns of `stagingSelect` (DESCRIBE): the query's, then `__tsdbt_key_<n>` and `__tsdbt_updated_at`. */
  stagedColumns: readonly Column[];
  /** The snapshot time: dbt's snapshot_get_time(), one value for the whole run. */
  now: Date;
}

/** The temporary tables of a snapshot build; both end with `__tsdbt_tmp`, so a killed run's are swept. */
export function snapshotTempNames(identifier: string): { staged: string; temp: string; backup: string } {
  return { staged: `${identifier}__tsdbt_staged${TEMP_SUFFIX}`, temp: `${identifier}${TEMP_SUFFIX}`, backup: `${identifier}__tsdbt_backup` };
}

/** The query whose DESCRIBE gives `SnapshotState.stagedColumns`. */
export function snapshotStagingSelect(model: Pick<SnapshotModel, 'spec' | 'sql'>, now: Date): string {
  return stagingSelect(model.spec, model.sql, snapshotTimeLiteral(now));
}

/**
 * A snapshot run, kill-safe at every statement: the source is copied into a staging table, one read
 * says what changed (and stops on a key that is not unique), then the whole new state — the old
 * history with the rows this run closes, plus the new versions and deletion records — is written
 * into `<name>__tsdbt_tmp` and swapped in with EXCHANGE TABLES (or one RENAME). The snapshot table
 * is never mutated in place: until the swap readers see the old history, after it the new one.
 * A run that finds nothing to change writes nothing.
 */
export function planSnapshot(model: SnapshotModel, state: SnapshotState, context: PlanContext): Plan {
  if (context.cluster !== undefined) {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_UNSUPPORTED,
      message: `Snapshot '${model.name}' cannot be built on a cluster target: tsdbt builds snapshots on a single server or chDB.`,
      hint: 'Run snapshots against a single-server target.',
    });
  }
  if (state.existing !== undefined && state.existing !== 'table') {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_TARGET_INVALID,
      message: `Snapshot '${model.name}': ${qualifiedName(model.schema, model.identifier)} is a ${state.existing.replace('_', ' ')}, not a snapshot table.`,
      hint: 'Drop it or give the snapshot another alias or schema.',
    });
  }
  const shape = shapeOf(model, state);
  const names = snapshotTempNames(model.identifier);
  const { schema } = model;
  const staging = buildStatements(
    { schema, identifier: model.identifier, sql: stagingSelect(model.spec, model.sql, shape.now), config: { query_settings: model.config.query_settings } },
    names.staged,
    context,
  );
  const dropStaged = dropTable(schema, names.staged, context, 'drop the staged source rows');
  return {
    statements: [
      createDatabase(schema, context),
      dropTable(schema, names.staged, context, 'drop a staging table left by an earlier run'),
      dropTable(schema, names.temp, context, 'drop a temporary table left by an earlier run'),
      ...staging.map((statement) => ({ ...statement, purpose: statement.purpose.replace(/the new table/, 'the staged source rows') })),
    ],
    cleanup: [dropStaged],
    next: {
      read: { sql: changesSelect(shape), purpose: 'count the changes since the last snapshot' },
      plan: (rows) => {
        const changes = readChanges(model, rows[0]);
        if (state.existing !== undefined && changes.newVersions + changes.deletions === 0)
          return { statements: [{ ...dropStaged, purpose: 'drop the staged source rows (nothing changed)' }], cleanup: [] };
        return {
          statements: [...writeNewState(model, shape, state, context), dropStaged],
          cleanup: [dropTable(schema, names.temp, context, 'remove the temporary table after a failure'), dropStaged],
        };
      },
    },
  };
}

/** The counts `changesSelect` reads; a key that is not unique (or NULL) stops the run before anything is written. */
export function readChanges(model: Pick<SnapshotModel, 'name' | 'spec'>, row: Record<string, unknown> | undefined): { newVersions: number; deletions: number } {
  const number = (value: unknown) => Number(value ?? 0);
  const duplicates = number(row?.duplicate_keys);
  const nulls = number(row?.null_keys);
  const key = model.spec.uniqueKey.length === 1 ? `unique_key ${model.spec.uniqueKey[0]}` : `unique_key (${model.spec.uniqueKey.join(', ')})`;
  if (duplicates > 0) {
    const examples = Array.isArray(row?.duplicate_examples) ? (row.duplicate_examples as unknown[]).map(String).join(', ') : '';
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_KEY_NOT_UNIQUE,
      message: `Snapshot '${model.name}': ${duplicates} value${duplicates === 1 ? '' : 's'} of ${key} appear${duplicates === 1 ? 's' : ''} more than once in its query${examples === '' ? '' : ` (e.g. ${examples})`}. Nothing was written: history kept by a key that is not unique would get duplicate current rows.`,
      hint: 'Make the query return one row per key (deduplicate it, or add columns to unique_key).',
    });
  }
  if (nulls > 0) {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_KEY_NOT_UNIQUE,
      message: `Snapshot '${model.name}': ${key} is NULL in ${nulls} row${nulls === 1 ? '' : 's'} of its query. Nothing was written: a row without a key would be added as a new version on every run.`,
      hint: 'Filter those rows out of the query, or coalesce the key.',
    });
  }
  return { newVersions: number(row?.new_versions), deletions: number(row?.deletions) };
}

function shapeOf(model: SnapshotModel, state: SnapshotState): SnapshotShape {
  const { spec } = model;
  const internal = (name: string) => name.startsWith(KEY_PREFIX) || name === UPDATED_AT;
  const sourceColumns = state.stagedColumns.filter((column) => !internal(column.name));
  const clash = sourceColumns.find((column) => isMetaColumn(spec.columnNames, column.name) || column.name.startsWith('__tsdbt_'));
  if (clash !== undefined) {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_INVALID,
      message: `Snapshot '${model.name}': its query returns a column named '${clash.name}', which the snapshot adds itself.`,
      hint: 'Rename that column in the query, or rename the snapshot columns with snapshot_meta_column_names.',
    });
  }
  const missing =
    spec.checkCols === 'all' || spec.strategy !== 'check' ? undefined : spec.checkCols.find((name) => !sourceColumns.some((column) => column.name === name));
  if (missing !== undefined) {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_INVALID,
      message: `Snapshot '${model.name}': check_cols names '${missing}', which its query does not return.`,
      hint: `Its columns are: ${sourceColumns.map((column) => column.name).join(', ')}.`,
    });
  }
  const fromType = state.existing === 'table' ? existingFromType(model, state.tableColumns) : stagedFromType(state.stagedColumns);
  return {
    spec,
    target: [model.schema, model.identifier],
    staged: [model.schema, snapshotTempNames(model.identifier).staged],
    sourceColumns,
    tableColumns: state.existing === 'table' ? state.tableColumns : [],
    fromType,
    now: snapshotTimeLiteral(state.now),
  };
}

/** On the first run the version time has the type of the query's updated_at (or DateTime64(6, 'UTC'), the snapshot time). */
function stagedFromType(staged: readonly Column[]): string {
  return staged.find((column) => column.name === UPDATED_AT)?.type ?? "DateTime64(6, 'UTC')";
}

function existingFromType(model: SnapshotModel, columns: readonly Column[]): string {
  const names = model.spec.columnNames;
  const missing = [names.dbt_scd_id, names.dbt_valid_from, names.dbt_valid_to].filter((name) => !columns.some((column) => column.name === name));
  if (missing.length > 0) {
    throw new TsdbtError({
      code: ErrorCodes.SNAPSHOT_TARGET_INVALID,
      message: `Snapshot '${model.name}': the table ${qualifiedName(model.schema, model.identifier)} has no column ${missing.join(', ')}: it is not a snapshot table (or snapshot_meta_column_names changed).`,
      hint: 'Point the snapshot at its own table, or set snapshot_meta_column_names to the names the table has.',
    });
  }
  return columns.find((column) => column.name === names.dbt_valid_from)!.type;
}

/** The new snapshot table: built complete under the temporary name, then swapped in. */
function writeNewState(model: SnapshotModel, shape: SnapshotShape, state: SnapshotState, context: PlanContext): Statement[] {
  const { schema } = model;
  const names = snapshotTempNames(model.identifier);
  const temp = qualifiedName(schema, names.temp);
  const columns = tableColumns(shape);
  const create: Statement = {
    sql: `CREATE TABLE ${temp}${onCluster(context)}\n(\n${columns.map((column) => `  ${quoteIdentifier(column.name)} ${column.type}`).join(',\n')}\n)\n${engineClause(model.config)}`,
    purpose: 'create the new snapshot table, empty, under a temporary name',
  };
  const insert = (list: readonly string[], select: string, purpose: string): Statement => ({
    sql: `INSERT INTO ${temp} (${list.map(quoteIdentifier).join(', ')})\n${select}\n${JOIN_SETTINGS}`,
    purpose,
  });
  const statements = [create];
  if (shape.tableColumns.length > 0)
    statements.push(
      insert(
        shape.tableColumns.map((column) => column.name),
        historySelect(shape),
        'copy the history, closing the rows that changed',
      ),
    );
  statements.push(insert(insertColumns(shape), newVersionsSelect(shape), 'add the new versions'));
  if (shape.spec.hardDeletes === 'new_record' && shape.tableColumns.length > 0)
    statements.push(insert(deletionColumns(shape), deletionRecordsSelect(shape), 'add a record for each deleted row'));
  const existing = state.existing === 'table' ? 'table' : undefined;
  return [...statements, ...swapIntoPlace(schema, { temp: names.temp, name: model.identifier, backup: names.backup }, existing, context)];
}

/**
 * Columns of the new table: the existing table's (history keeps every column it ever had), then
 * the query's new columns (Nullable, since older rows have no value), then any missing meta column.
 */
function tableColumns(shape: SnapshotShape): Column[] {
  if (shape.tableColumns.length === 0) return [...shape.sourceColumns, ...metaColumns(shape)];
  const known = new Set(shape.tableColumns.map((column) => column.name));
  const added = [...shape.sourceColumns, ...metaColumns(shape)]
    .filter((column) => !known.has(column.name))
    .map((column) => ({ name: column.name, type: nullable(column.type) }));
  return [...shape.tableColumns, ...added];
}

/** `Int32` → `Nullable(Int32)`; types that cannot be Nullable (arrays, maps, tuples, already Nullable) stay. */
function nullable(type: string): string {
  const trimmed = type.trim();
  if (/^(Nullable|Array|Map|Tuple|Nested|Object|JSON|Variant|Dynamic)\b/.test(trimmed)) return trimmed;
  const low = /^LowCardinality\((.*)\)$/.exec(trimmed);
  if (low !== null) return `LowCardinality(${nullable(low[1]!)})`;
  return `Nullable(${stripNullable(trimmed)})`;
}
