/**
 * The statements of `tsdbt check`, run in a scratch embedded session (never the target): an empty
 * shadow of each source and seed, then each model analyzed (its resolved query tree) and shadowed
 * by an empty table with the output columns the analyzer gave, or, where the analysis pass alone
 * does not decide, by a view of its compiled SQL. Either way the models downstream are checked
 * against the model's real output types, and no row is read.
 */
import { qualifiedName, quoteIdentifier } from '../core/sql-literals.js';
import type { Statement } from './plan.js';

export interface CheckColumn {
  name: string;
  /** A ClickHouse type (`String`, `Nullable(Int64)`). */
  type: string;
}

/** A Memory database: its tables' and views' metadata stays in memory, so creating one writes no file (4–5× faster). */
export function checkDatabase(database: string): Statement {
  return { sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} ENGINE = Memory`, purpose: 'create the database of the shadow project' };
}

/**
 * The model's compiled SQL as a view, where the query tree alone does not give the verdict:
 * planning the view is then the check. The SQL goes in verbatim (on its own lines, so a trailing
 * `--` comment stays a comment) so that an error position can be mapped back to the model's line.
 */
export function checkModelView(database: string, name: string, compiledSql: string): Statement {
  return {
    sql: `CREATE VIEW ${qualifiedName(database, name)} AS\n${compiledSql}\n`,
    purpose: 'analyze and plan the model as a view, where its query tree alone does not decide (reading no rows)',
  };
}

/**
 * An empty table with the given columns: the shadow of a source or a seed (its declared columns)
 * or of a model the analyzer accepted (its output columns and types). Models downstream read it
 * as they would the real relation, without the analyzer going through a model's own query again
 * for each of them. Memory: nothing reaches the disk.
 */
export function checkShadowTable(database: string, name: string, columns: readonly CheckColumn[], ifNotExists = false): Statement {
  const list = columns.map((column) => `    ${quoteIdentifier(column.name)} ${column.type}`).join(',\n');
  const create = ifNotExists ? 'CREATE TABLE IF NOT EXISTS' : 'CREATE TABLE';
  return {
    sql: `${create} ${qualifiedName(database, name)}\n(\n${list}\n)\nENGINE = Memory`,
    purpose: 'an empty table with the columns of a source, seed or checked model',
  };
}

/** The output columns of a checked model. */
export function checkColumns(database: string, name: string): Statement {
  return { sql: `DESCRIBE TABLE ${qualifiedName(database, name)}`, purpose: "read the model's output columns" };
}

/**
 * The analyzer's resolved query tree of the model's query: the check itself (an unknown column,
 * function or type mismatch fails it), the output columns and their lineage. `passes = 1` runs
 * only the analysis pass: names resolved to their tables and subqueries, before any optimization
 * rewrites an expression (so `count(x)` still names `x`).
 */
export function checkQueryTree(compiledSql: string): Statement {
  return {
    sql: `EXPLAIN QUERY TREE passes = 1\n${compiledSql}\n`,
    purpose: 'analyze the model: names, functions and types resolved, its output columns and their lineage, reading no rows',
  };
}

/**
 * The query plan of a model that joins: the analysis pass resolves the join's keys but leaves
 * their common type to the planner, so a key joining a number to a String (or UInt64 to Int32)
 * passes `EXPLAIN QUERY TREE` and even `CREATE VIEW`, then fails every run. Planning the query
 * over the empty shadows decides it, reading no rows.
 */
export function checkModelPlan(compiledSql: string): Statement {
  return {
    sql: `EXPLAIN PLAN\n${compiledSql}\n`,
    purpose: "plan the model's joins: the common type of each join key (reading no rows)",
  };
}

/**
 * The query trees of several models in one statement: each model's query a subquery of one
 * SELECT. The analyzer resolves each subquery as it resolves the query alone, and one statement
 * costs the engine less than one per model (see bench/notes.md). `splitBatchedQueryTree` cuts the
 * answer back into one tree per model. Only for queries `mayShareStatement` accepts.
 */
export function checkQueryTrees(compiledSqls: readonly string[]): Statement {
  const subqueries = compiledSqls.map((sql, index) => `(\n${sql}\n) AS ${quoteIdentifier(`__tsdbt_model_${index}`)}`);
  return {
    sql: `EXPLAIN QUERY TREE passes = 1\nSELECT 1 FROM\n${subqueries.join(',\n')}\n`,
    purpose: 'analyze several models at once, each a subquery: the same resolution as alone, one statement',
  };
}

/**
 * Whether a model's query can be analyzed as a subquery beside others. Not when it carries a
 * SETTINGS clause (a subquery's settings can reach the whole statement) or a `;` (a statement
 * of its own): those are analyzed alone.
 */
export function mayShareStatement(compiledSql: string): boolean {
  return !/\bsettings\b|;/i.test(compiledSql);
}

/** Several shadow tables in one call (statements separated by `;`, run in order, stopping at the first refused). */
export function checkShadowTables(tables: readonly { database: string; name: string; columns: readonly CheckColumn[] }[]): Statement {
  return {
    sql: tables.map((table) => checkShadowTable(table.database, table.name, table.columns).sql).join(';\n'),
    purpose: 'several shadow tables in one call',
  };
}
