import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import {
  canExchange,
  createDatabase,
  dropTable,
  engineClause,
  exchangeTables,
  isReplicatedEngine,
  onCluster,
  renameTables,
  type TableEngineConfig,
} from './ddl.js';
import { columnDefinitions, contractSelectList, type Contract } from './contract.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import type { Column } from './schema-change.js';
import { addTableFeatures, hasTableFeatures, tableFeatures, type ColumnExtras } from './table-features.js';

export interface TableModel {
  schema: string;
  identifier: string;
  sql: string;
  config: TableEngineConfig & { query_settings?: unknown; projections?: unknown; indexes?: unknown };
  /** The model's YAML columns (their codec and ttl). */
  columns?: ColumnExtras;
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
      renameTables(
        schema,
        [
          [identifier, backup],
          [temp, identifier],
        ],
        context,
        'swap in the new table',
      ),
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
  const { features } = tableFeatures(model.config as Record<string, unknown>, model.columns);
  const alter = addTableFeatures(model.schema, temp, features, context);
  // Projections, indexes and codecs go on the empty table, so the fill covers every row: fill once wherever rows need not reach every host.
  const fillOnce = context.cluster !== undefined ? isReplicatedEngine(model.config.engine) : context.exchangeTables || hasTableFeatures(features);
  // With a contract the contract's columns define the table (its codecs, indexes and projections are not added).
  if (model.contract !== undefined) return contractStatements(model, name, fillOnce, context);
  if (!fillOnce) {
    const create = {
      sql: `CREATE TABLE ${name}${onCluster(context)}\n${engine}\nAS\n${model.sql}`,
      purpose: 'build the new table under a temporary name',
      ...settings,
    };
    return [create, ...alter, ...materializeFeatures(name, features, context)];
  }
  // The model's SQL as a subquery: a trailing `;` would end the statement early; a trailing `-- comment` ends at the newline.
  const select = `SELECT * FROM (\n${model.sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  return [
    {
      sql: `CREATE TABLE ${name}${onCluster(context)}\n${engine}\nAS\n${select} LIMIT 0`,
      purpose: 'create the new table, empty, under a temporary name',
      ...settings,
    },
    ...alter,
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
  if (!fillOnce && context.cluster !== undefined)
    return [{ sql: `${create}\nAS\n${select}`, purpose: "build the new table under a temporary name, with the contract's columns", ...settings }];
  return [
    { sql: create, purpose: "create the new table, empty, with the contract's columns, under a temporary name" },
    { sql: `INSERT INTO ${name} (${columns})\n${select}`, purpose: 'fill the new table', ...settings },
  ];
}

/** On a cluster filled by CREATE … AS SELECT on every host, indexes and projections added afterwards are built by a mutation. */
function materializeFeatures(name: string, features: ReturnType<typeof tableFeatures>['features'], context: PlanContext): Statement[] {
  const clauses = [
    ...features.indexes.map((index) => `MATERIALIZE INDEX ${quoteIdentifier(index.name)}`),
    ...features.projections.map((projection) => `MATERIALIZE PROJECTION ${quoteIdentifier(projection.name)}`),
  ];
  if (clauses.length === 0) return [];
  return [
    {
      sql: `ALTER TABLE ${name}${onCluster(context)}\n${clauses.join(',\n')}`,
      purpose: 'build the indexes and projections for the rows already there',
      settings: { mutations_sync: 2 },
    },
  ];
}

export function querySettings(value: unknown): { settings?: Record<string, string | number | boolean> } {
  if (typeof value !== 'object' || value === null || Object.keys(value).length === 0) return {};
  return { settings: value as Record<string, string | number | boolean> };
}
