import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import { onCluster } from './ddl.js';
import type { PlanContext, Statement } from './plan.js';

/** Clause builders that move data (INSERT, DELETE, partitions) and the DDL of views and dictionaries. */

export type Settings = Record<string, string | number | boolean>;

function columnList(columns: readonly string[]): string {
  return columns.map(quoteIdentifier).join(', ');
}

/** `INSERT INTO t (a, b) SELECT a, b FROM (<select>)`: columns by name, whatever order the SELECT has. */
export function insertSelect(target: [string, string], columns: readonly string[], select: string, purpose: string, settings?: Settings): Statement {
  const list = columnList(columns);
  return {
    sql: `INSERT INTO ${qualifiedName(...target)} (${list})\nSELECT ${list}\nFROM (\n${select}\n)`,
    purpose,
    ...(settings === undefined ? {} : { settings }),
  };
}

/** `INSERT INTO t (a, b) SELECT a, b FROM db.other [WHERE …]`. */
export function insertFromTable(
  target: [string, string],
  source: [string, string],
  columns: readonly string[],
  where: string | undefined,
  purpose: string,
  settings?: Settings,
): Statement {
  const list = columnList(columns);
  return {
    sql: `INSERT INTO ${qualifiedName(...target)} (${list})\nSELECT ${list}\nFROM ${qualifiedName(...source)}${where === undefined ? '' : `\nWHERE ${where}`}`,
    purpose,
    ...(settings === undefined ? {} : { settings }),
  };
}

/** `CREATE TABLE tmp AS db.t`: same columns, engine, keys and partitioning, no rows. */
export function createTableLike(database: string, name: string, like: string, context: PlanContext, purpose: string): Statement {
  return { sql: `CREATE TABLE ${qualifiedName(database, name)}${onCluster(context)} AS ${qualifiedName(database, like)}`, purpose };
}

/**
 * Deletes rows matching `where`: a lightweight `DELETE FROM` where the server has it, else a
 * mutation, waited for (`mutations_sync = 2`) where the server can. A mutation only rewrites the
 * parts that exist when it is issued, so rows inserted after it are never deleted by it, waited
 * for or not (servers before 20.1 finish it in the background).
 */
export function deleteWhere(database: string, table: string, where: string, context: PlanContext, purpose: string): Statement {
  if (context.lightweightDelete !== false) {
    return { sql: `DELETE FROM ${qualifiedName(database, table)}${onCluster(context)}\nWHERE ${where}`, purpose };
  }
  const mutation = { sql: `ALTER TABLE ${qualifiedName(database, table)}${onCluster(context)}\nDELETE WHERE ${where}`, purpose };
  return context.mutationsSync === false ? mutation : { ...mutation, settings: { mutations_sync: 2 } };
}

/** `ALTER TABLE t REPLACE PARTITION ID 'x' FROM tmp, …`: each partition swapped whole. */
export function replacePartitions(database: string, table: string, from: string, partitionIds: readonly string[], context: PlanContext): Statement {
  const commands = partitionIds.map((id) => `REPLACE PARTITION ID ${quoteString(id)} FROM ${qualifiedName(database, from)}`);
  return {
    sql: `ALTER TABLE ${qualifiedName(database, table)}${onCluster(context)}\n${commands.join(',\n')}`,
    purpose: `replace ${partitionIds.length === 1 ? 'partition' : `${partitionIds.length} partitions`} with the new rows`,
  };
}

/** The read that tells which partitions a staged table holds. */
export function partitionsQuery(database: string, table: string): { sql: string; purpose: string; params: Record<string, unknown> } {
  return {
    sql: 'SELECT DISTINCT partition_id FROM system.parts WHERE active AND database = {database:String} AND table = {table:String} ORDER BY partition_id',
    purpose: 'list the partitions of the new rows',
    params: { database, table },
  };
}

export function createMaterializedView(
  database: string,
  name: string,
  target: string | [string, string],
  select: string,
  context: PlanContext,
  refresh?: string,
): Statement {
  const to = typeof target === 'string' ? qualifiedName(database, target) : qualifiedName(...target);
  return {
    sql: `CREATE MATERIALIZED VIEW ${qualifiedName(database, name)}${onCluster(context)}${refresh === undefined ? '' : `\n${refresh}`}\nTO ${to}\nAS\n${select}`,
    purpose:
      refresh === undefined
        ? 'create the materialized view (new rows of its source flow into the table from now on)'
        : 'create the refreshable materialized view (it runs its SELECT into the table on its schedule)',
  };
}

/** Changes a materialized view's SELECT in place: inserts keep flowing, no window without the view. */
export function modifyQuery(database: string, name: string, select: string, context: PlanContext): Statement {
  return {
    sql: `ALTER TABLE ${qualifiedName(database, name)}${onCluster(context)}\nMODIFY QUERY\n${select}`,
    purpose: "update the materialized view's SELECT in place",
  };
}

export function dropDictionary(database: string, name: string, context: PlanContext, purpose: string): Statement {
  return { sql: `DROP DICTIONARY IF EXISTS ${qualifiedName(database, name)}${onCluster(context)}`, purpose };
}

/** `DESCRIBE TABLE (<select>)`: the columns and types a SELECT returns, without running it. */
export function describeSelect(select: string): string {
  return `DESCRIBE TABLE (\n${select.trim().replace(/;+$/, '')}\n)`;
}
