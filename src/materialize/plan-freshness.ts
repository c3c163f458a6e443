import { qualifiedName } from '../core/sql-literals.js';

/** What freshness measures for one source table. */
export interface FreshnessTarget {
  schema: string;
  identifier: string;
  /** dbt's `loaded_at_field`: a column or an expression. */
  loadedAtField?: string | undefined;
  /** dbt 1.10's `loaded_at_query`: a query giving the last load time. */
  loadedAtQuery?: string | undefined;
  /** The rule's `filter`: a SQL condition on the rows measured. */
  filter?: string | undefined;
}

/**
 * One row: how many rows were measured, the newest load time and the server's clock, both as Unix
 * seconds (so the age is computed in one time zone, whatever the column's). Written for old
 * servers too: no dateDiff, no DateTime64 functions.
 */
export function freshnessQuery(target: FreshnessTarget): string {
  if (target.loadedAtQuery !== undefined) {
    return `SELECT 1 AS measured, toUnixTimestamp((${target.loadedAtQuery.trim().replace(/;\s*$/, '')})) AS max_loaded_at, toUnixTimestamp(now()) AS snapshotted_at`;
  }
  const field = target.loadedAtField ?? '_inserted_at';
  const where = target.filter === undefined ? '' : `\nWHERE ${target.filter}`;
  return `SELECT count() AS measured, toUnixTimestamp(max(${field})) AS max_loaded_at, toUnixTimestamp(now()) AS snapshotted_at\nFROM ${qualifiedName(target.schema, target.identifier)}${where}`;
}
