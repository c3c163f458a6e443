import { qualifiedName } from '../adapter/sql-literals.js';
import { canExchange, createDatabase, dropTable, engineClause, exchangeTables, onCluster, renameTables, type TableEngineConfig } from './ddl.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';

export interface TableModel {
  schema: string;
  identifier: string;
  sql: string;
  config: TableEngineConfig & { query_settings?: unknown };
}

/**
 * A table is built under a temporary name, then swapped in: readers see the old table until
 * the new one is complete, and a failure leaves the old one serving. dbt-clickhouse's approach,
 * with stale temp and backup tables from a killed run dropped first.
 */
export function planTable(model: TableModel, existing: ExistingRelation, context: PlanContext): Plan {
  const { schema, identifier } = model;
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const backup = `${identifier}${BACKUP_SUFFIX}`;
  const create: Statement = {
    sql: `CREATE TABLE ${qualifiedName(schema, temp)}${onCluster(context)}\n${engineClause(model.config)}\nAS\n${model.sql}`,
    purpose: 'build the new table under a temporary name',
    ...querySettings(model.config.query_settings),
  };
  // Whichever way an earlier run was killed, what it left carries one of the suffixes: drop both first.
  const statements: Statement[] = [
    createDatabase(schema, context),
    dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'),
    dropTable(schema, backup, context, 'drop a backup table left by an earlier run'),
  ];
  if (existing === undefined) {
    statements.push(create, renameTables(schema, [[temp, identifier]], context, 'publish the new table'));
  } else if (existing === 'table' && canExchange(schema, context)) {
    statements.push(create, exchangeTables(schema, temp, identifier, context), dropTable(schema, temp, context, 'drop the previous table'));
  } else {
    // No EXCHANGE (old server) or the name holds a view: one RENAME statement moves both names at once.
    statements.push(
      create,
      renameTables(schema, [[identifier, backup], [temp, identifier]], context, 'swap in the new table'),
      dropTable(schema, backup, context, 'drop the previous relation'),
    );
  }
  return { statements, cleanup: [dropTable(schema, temp, context, 'remove the temporary table after a failure')] };
}


export function querySettings(value: unknown): { settings?: Record<string, string | number | boolean> } {
  if (typeof value !== 'object' || value === null || Object.keys(value).length === 0) return {};
  return { settings: value as Record<string, string | number | boolean> };
}
