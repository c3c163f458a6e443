import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import { canExchange, createDatabase, dropTable, engineClause, exchangeTables, isReplicatedEngine, onCluster, renameTables, type TableEngineConfig } from './ddl.js';
import { columnDefinitions, contractSelectList, type Contract } from './contract.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import type { Column } from './schema-change.js';

export interface TableModel {
  schema: string;
  identifier: string;
  sql: string;
  config: TableEngineConfig & { query_settings?: unknown };
  /** An enforced contract (already checked against `queryColumns`): the table gets the declared columns. */
  contract?: { contract: Contract; queryColumns: readonly Column[] } | undefined;
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
  const build = buildStatements(model, temp, context);
  // Whichever way an earlier run was killed, what it left carries one of the suffixes: drop both first.
  const statements: Statement[] = [
    createDatabase(schema, context),
    dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'),
    dropTable(schema, backup, context, 'drop a backup table left by an earlier run'),
  ];
  if (existing === undefined) {
    statements.push(...build, renameTables(schema, [[temp, identifier]], context, 'publish the new table'));
  } else if (existing === 'table' && canExchange(schema, context)) {
    statements.push(...build, exchangeTables(schema, temp, identifier, context), dropTable(schema, temp, context, 'drop the previous table'));
  } else {
    // No EXCHANGE (old server) or the name holds a view: one RENAME statement moves both names at once.
    statements.push(
      ...build,
      renameTables(schema, [[identifier, backup], [temp, identifier]], context, 'swap in the new table'),
      dropTable(schema, backup, context, 'drop the previous relation'),
    );
  }
  return { statements, cleanup: [dropTable(schema, temp, context, 'remove the temporary table after a failure')] };
}


/**
 * The statements that build the new table under its temporary name. Recent servers run a
 * `CREATE TABLE … AS SELECT` through a hidden `_tmp_replace_*` table of their own, which a killed
 * process leaves behind under a name tsdbt cannot know. So the table is created empty (instantly),
 * then filled with an INSERT: a kill mid-build leaves only `<name>__tsdbt_tmp`, which the next run
 * drops. Old servers (no EXCHANGE, no hidden table) and clusters (where `ON CLUSTER` fills every
 * node) keep the single statement, except for Replicated engines on a cluster (filled once).
 */
export function buildStatements(model: TableModel, temp: string, context: PlanContext): Statement[] {
  const name = qualifiedName(model.schema, temp);
  const settings = querySettings(model.config.query_settings);
  const engine = engineClause(model.config);
  // On a cluster, a Replicated engine is filled once (replication copies the rows): ON CLUSTER … AS SELECT
  // would make every replica insert the same rows again.
  const fillOnce = context.cluster !== undefined ? isReplicatedEngine(model.config.engine) : context.exchangeTables;
  if (model.contract !== undefined) return contractStatements(model, name, fillOnce, context);
  if (!fillOnce) {
    return [{ sql: `CREATE TABLE ${name}${onCluster(context)}\n${engine}\nAS\n${model.sql}`, purpose: 'build the new table under a temporary name', ...settings }];
  }
  // The model's SQL as a subquery: a trailing `;` would end the statement early; a trailing `-- comment` ends at the newline.
  const select = `SELECT * FROM (\n${model.sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  return [
    { sql: `CREATE TABLE ${name}${onCluster(context)}\n${engine}\nAS\n${select} LIMIT 0`, purpose: 'create the new table, empty, under a temporary name', ...settings },
    { sql: `INSERT INTO ${name}\n${select}`, purpose: 'fill the new table', ...settings },
  ];
}

/**
 * With an enforced contract the contract defines the schema: the table is created with the
 * declared columns (types, non-Nullable for not_null, CHECK constraints), then filled by name,
 * casting where the query's type differs (Nullable → non-Nullable fails on a NULL, as not_null must).
 */
function contractStatements(model: TableModel, name: string, fillOnce: boolean, context: PlanContext): Statement[] {
  const { contract, queryColumns } = model.contract!;
  const settings = querySettings(model.config.query_settings);
  const columns = contract.columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const select = `SELECT ${contractSelectList(contract, queryColumns)}\nFROM (\n${model.sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  const create = `CREATE TABLE ${name}${onCluster(context)} ${columnDefinitions(contract, queryColumns)}\n${engineClause(model.config)}`;
  // On a cluster (not Replicated) every node fills its own table: one CREATE … (columns) AS SELECT,
  // which servers old enough to lack it (18.16) are not run as clusters with. Elsewhere: create, then insert.
  if (!fillOnce && context.cluster !== undefined) return [{ sql: `${create}\nAS\n${select}`, purpose: "build the new table under a temporary name, with the contract's columns", ...settings }];
  return [
    { sql: create, purpose: "create the new table, empty, with the contract's columns, under a temporary name" },
    { sql: `INSERT INTO ${name} (${columns})\n${select}`, purpose: 'fill the new table', ...settings },
  ];
}

export function querySettings(value: unknown): { settings?: Record<string, string | number | boolean> } {
  if (typeof value !== 'object' || value === null || Object.keys(value).length === 0) return {};
  return { settings: value as Record<string, string | number | boolean> };
}
