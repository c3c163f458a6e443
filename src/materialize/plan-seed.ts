import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import type { ColumnInfo } from '../core/adapter-types.js';
import { canExchange, createDatabase, dropTable, engineClause, exchangeTables, onCluster, renameTables, type TableEngineConfig } from './ddl.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type PlanContext, type Statement } from './plan.js';
import type { SeedColumn } from '../seed/seed-table.js';

export interface SeedTarget {
  name: string;
  schema: string;
  identifier: string;
  columns: readonly SeedColumn[];
  config: TableEngineConfig;
}

export interface ExistingSeed {
  kind: ExistingRelation;
  /** Columns of the existing table (read only when it is a table and this is not a full refresh). */
  columns?: readonly ColumnInfo[];
}

/** A seed load: statements before the rows go in, the table they go into, statements after. */
export interface SeedPlan {
  prepare: Statement[];
  /**
   * Where the rows are inserted: a temporary table, swapped in by `publish`. The adapter inserts the rows;
   * `sql` is the statement that insert amounts to, for logs and for the error that names the failed statement.
   */
  load: { schema: string; table: string; sql: string };
  publish: Statement[];
  /** Run (best effort) when something fails, so no temporary table is left behind. */
  cleanup: Statement[];
}

/**
 * Rows are loaded into a temporary table that is then swapped in, so readers see the old
 * seed until the new one is complete. As in dbt, an existing table keeps its definition
 * (engine, settings) unless --full-refresh. When the CSV's columns changed (a new column, a
 * type that became Nullable because a cell was emptied) the table is rebuilt from the CSV,
 * where dbt would fail the insert and ask for --full-refresh.
 */
export function planSeed(seed: SeedTarget, existing: ExistingSeed, context: PlanContext, fullRefresh: boolean): SeedPlan {
  const { schema, identifier } = seed;
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const backup = `${identifier}${BACKUP_SUFFIX}`;
  const keep = existing.kind === 'table' && !fullRefresh && existing.columns !== undefined && sameColumns(seed, existing.columns);
  const create: Statement = keep
    ? {
        sql: `CREATE TABLE ${qualifiedName(schema, temp)}${onCluster(context)} AS ${qualifiedName(schema, identifier)}`,
        purpose: 'create an empty copy of the seed table',
      }
    : {
        sql: `CREATE TABLE ${qualifiedName(schema, temp)}${onCluster(context)}\n(\n${seed.columns.map((column) => `    ${quoteIdentifier(column.name)} ${column.type}`).join(',\n')}\n)\n${engineClause(seed.config)}`,
        purpose: 'create the seed table under a temporary name',
      };
  const prepare = [
    createDatabase(schema, context),
    dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'),
    dropTable(schema, backup, context, 'drop a backup table left by an earlier run'),
    create,
  ];
  let publish: Statement[];
  if (existing.kind === undefined) {
    publish = [renameTables(schema, [[temp, identifier]], context, 'publish the seed table')];
  } else if (existing.kind === 'table' && canExchange(schema, context)) {
    publish = [exchangeTables(schema, temp, identifier, context), dropTable(schema, temp, context, 'drop the previous seed table')];
  } else {
    publish = [
      renameTables(
        schema,
        [
          [identifier, backup],
          [temp, identifier],
        ],
        context,
        'swap in the seed table',
      ),
      dropTable(schema, backup, context, 'drop the previous relation'),
    ];
  }
  const load = { schema, table: temp, sql: `INSERT INTO ${qualifiedName(schema, temp)} FORMAT JSONEachRow` };
  return { prepare, load, publish, cleanup: [dropTable(schema, temp, context, 'remove the temporary table after a failure')] };
}

/** Same column names in the same order, and the same types (column_types are not compared: ClickHouse may spell an alias its own way). */
function sameColumns(seed: SeedTarget, existing: readonly ColumnInfo[]): boolean {
  return (
    existing.length === seed.columns.length &&
    seed.columns.every((column, index) => existing[index]!.name === column.name && (column.kind === 'override' || existing[index]!.type === column.type))
  );
}
