import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { onCluster } from './ddl.js';
import type { PlanContext, Statement } from './plan.js';

/** dbt's `on_schema_change` settings, for incremental models and materialized views. */
export const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type OnSchemaChange = (typeof ON_SCHEMA_CHANGE)[number];

export interface Column {
  name: string;
  type: string;
}

/** How the model's SELECT differs from the table it writes into. */
export interface ColumnDiff {
  added: Column[];
  removed: Column[];
  /** Same name, another type: `type` is the new one, `was` the table's. */
  changed: (Column & { was: string })[];
}

export function diffColumns(table: readonly Column[], query: readonly Column[]): ColumnDiff {
  const inTable = new Map(table.map((column) => [column.name, column]));
  const inQuery = new Map(query.map((column) => [column.name, column]));
  return {
    added: query.filter((column) => !inTable.has(column.name)),
    removed: table.filter((column) => !inQuery.has(column.name)),
    changed: query.flatMap((column) => {
      const was = inTable.get(column.name);
      return was !== undefined && was.type !== column.type ? [{ ...column, was: was.type }] : [];
    }),
  };
}

export function hasChanges(diff: ColumnDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}

export interface SchemaChangePlan {
  /** ALTER statements bringing the table in line, in order. */
  statements: Statement[];
  /** The table's columns once they ran. */
  columns: Column[];
  /** Columns to copy from the SELECT into the table: the table's columns the SELECT has, in table order. */
  insertColumns: string[];
}

/**
 * What `on_schema_change` means for a table and the SELECT that feeds it (dbt's semantics):
 * `ignore` keeps the table as it is and drops new columns on the floor, `fail` stops on any
 * difference, `append_new_columns` adds new columns (removed ones stay, filled with defaults),
 * `sync_all_columns` adds, drops and retypes until the table matches the SELECT.
 * Throws a TsdbtError when the setting says the run cannot go on.
 */
export function planSchemaChange(
  target: { schema: string; identifier: string; model: string },
  setting: OnSchemaChange,
  table: readonly Column[],
  query: readonly Column[],
  context: PlanContext,
): SchemaChangePlan {
  const diff = diffColumns(table, query);
  const alter = (action: string, purpose: string): Statement => ({
    sql: `ALTER TABLE ${qualifiedName(target.schema, target.identifier)}${onCluster(context)} ${action}`,
    purpose,
  });
  const described = describeDiff(diff);
  if (setting === 'fail' && hasChanges(diff)) {
    throw new TsdbtError({
      code: ErrorCodes.SCHEMA_CHANGED,
      message: `The columns of model '${target.model}' no longer match its table ${qualifiedName(target.schema, target.identifier)}: ${described}, and on_schema_change is 'fail'.`,
      hint: "Run it once with --full-refresh to rebuild the table, or set on_schema_change to 'append_new_columns' or 'sync_all_columns'.",
    });
  }
  let columns: Column[] = [...table];
  const statements: Statement[] = [];
  if (setting === 'append_new_columns' || setting === 'sync_all_columns') {
    if (setting === 'sync_all_columns') {
      for (const column of diff.removed)
        statements.push(alter(`DROP COLUMN ${quoteIdentifier(column.name)}`, `drop column ${column.name}, no longer selected`));
      for (const column of diff.changed) {
        statements.push(alter(`MODIFY COLUMN ${quoteIdentifier(column.name)} ${column.type}`, `change the type of ${column.name} from ${column.was}`));
      }
      const removed = new Set(diff.removed.map((column) => column.name));
      const retyped = new Map(diff.changed.map((column) => [column.name, column.type]));
      columns = columns.filter((column) => !removed.has(column.name)).map((column) => ({ name: column.name, type: retyped.get(column.name) ?? column.type }));
    }
    for (const column of diff.added) statements.push(alter(`ADD COLUMN ${quoteIdentifier(column.name)} ${column.type}`, `add new column ${column.name}`));
    columns = [...columns, ...diff.added];
  }
  if (setting === 'ignore' && diff.removed.length > 0) {
    throw new TsdbtError({
      code: ErrorCodes.SCHEMA_CHANGED,
      message: `Model '${target.model}' no longer selects ${plural(diff.removed.length, 'column')} ${names(diff.removed)} of its table ${qualifiedName(target.schema, target.identifier)}, and on_schema_change is 'ignore'.`,
      hint: "Select the column again, run once with --full-refresh, or set on_schema_change to 'append_new_columns' (keeps it, filled with defaults) or 'sync_all_columns' (drops it).",
    });
  }
  const selected = new Set(query.map((column) => column.name));
  return { statements, columns, insertColumns: columns.filter((column) => selected.has(column.name)).map((column) => column.name) };
}

function describeDiff(diff: ColumnDiff): string {
  const parts: string[] = [];
  if (diff.added.length > 0) parts.push(`${names(diff.added)} ${diff.added.length === 1 ? 'is' : 'are'} new`);
  if (diff.removed.length > 0) parts.push(`${names(diff.removed)} ${diff.removed.length === 1 ? 'is' : 'are'} gone`);
  for (const column of diff.changed) parts.push(`${column.name} changed from ${column.was} to ${column.type}`);
  return parts.join(', ');
}

function names(columns: readonly Column[]): string {
  return columns.map((column) => column.name).join(', ');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
