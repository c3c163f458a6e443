import { qualifiedName, quoteString } from '../core/sql-literals.js';
import { createDatabase, dropDatabase, dropTable, dropView, renameTables } from './ddl.js';
import type { PlanContext, Statement } from './plan.js';

/**
 * The SQL behind the `adapter` methods templates call (`adapter.get_relation`,
 * `adapter.drop_relation`…; see template/adapter-api.ts). Run through the template's own
 * `run_query`, on the target's connection; no ON CLUSTER (a package's own DDL is single-server).
 */
const SINGLE_SERVER: PlanContext = { cluster: undefined, databaseEngine: undefined, exchangeTables: false, createOrReplaceView: false };

export function columnsQuery(database: string, table: string): string {
  return `select name, type from system.columns where database = ${quoteString(database)} and table = ${quoteString(table)} order by position`;
}

/** One relation, or every relation of `database` when `name` is undefined (with its engine, for its type). */
export function relationsQuery(database: string, name?: string): string {
  const oneName = name === undefined ? '' : ` and name = ${quoteString(name)}`;
  return `select name, engine from system.tables where database = ${quoteString(database)}${oneName} order by name`;
}

export function dropRelationStatement(database: string, name: string, type: string | undefined): Statement {
  return type === 'view' ? dropView(database, name, SINGLE_SERVER, 'adapter.drop_relation') : dropTable(database, name, SINGLE_SERVER, 'adapter.drop_relation');
}

/** RENAME TABLE takes qualified names on both sides, so a relation may move to another database. */
export function renameRelationStatement(from: [string, string], to: [string, string]): Statement {
  if (from[0] === to[0]) return renameTables(from[0], [[from[1], to[1]]], SINGLE_SERVER, 'adapter.rename_relation');
  return { sql: `RENAME TABLE ${qualifiedName(...from)} TO ${qualifiedName(...to)}`, purpose: 'adapter.rename_relation' };
}

export function truncateStatement(database: string, name: string): Statement {
  const dropped = dropTable(database, name, SINGLE_SERVER, 'adapter.truncate_relation');
  return { ...dropped, sql: dropped.sql.replace(/^DROP TABLE/, 'TRUNCATE TABLE') };
}

export function createSchemaStatement(database: string): Statement {
  return createDatabase(database, SINGLE_SERVER);
}

export function dropSchemaStatement(database: string): Statement {
  return dropDatabase(database, SINGLE_SERVER, 'adapter.drop_schema');
}
