import { literal, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import { baseType, isNullable } from './contract.js';
import type { Column } from './schema-change.js';

/**
 * The SQL of a unit test: each given input as a SELECT of literal rows typed like the relation
 * it stands for, the expected rows typed like the model's output, and the multiset comparison
 * of the two. Pure text; the runner reads the types and runs the queries.
 */

/** The column tsdbt adds to the comparison: +n = a row expected n more times than returned, -n = returned n more times than expected. */
export const DIFF_COLUMN = '__tsdbt_diff';

/**
 * `SELECT CAST('1' AS Int32) AS \`id\`, … UNION ALL SELECT …`: one SELECT per row, every column of
 * the relation present. A value left out is NULL where the column is Nullable, else the type's
 * default (ClickHouse has no NULL there); a NULL given for a non-Nullable column makes it Nullable.
 * No rows: the same columns, `LIMIT 0`.
 */
export function rowsSelect(columns: readonly Column[], rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return `SELECT ${columns.map((column) => `${missingValue(column.type)} AS ${quoteIdentifier(column.name)}`).join(', ')} LIMIT 0`;
  return rows
    .map((row) => `SELECT ${columns.map((column) => `${cellValue(row, column)} AS ${quoteIdentifier(column.name)}`).join(', ')}`)
    .join('\nUNION ALL\n');
}

/** A user's own SELECT (format: sql), its columns cast by name to the relation's types. */
export function sqlRowsSelect(columns: readonly Column[], sql: string): string {
  const list = columns.map((column) => `CAST(${quoteIdentifier(column.name)} AS ${column.type}) AS ${quoteIdentifier(column.name)}`).join(', ');
  return `SELECT ${list}\nFROM (\n${sql.trim().replace(/(\s*;)+$/, '')}\n)`;
}

/** Names used in the rows that the relation does not have (dbt refuses those). */
export function unknownColumns(columns: readonly Column[], rows: readonly Record<string, unknown>[]): string[] {
  const known = new Set(columns.map((column) => column.name));
  return [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((name) => !known.has(name));
}

/**
 * The rows that differ between expected and actual, compared as multisets on `columns` (the
 * columns the expectation names): each distinct row with how many more times it was expected
 * (positive) or returned (negative). No rows back means the test passes.
 */
export function unitTestDiffQuery(columns: readonly string[], expectedSql: string, actualSql: string): string {
  const list = columns.map(quoteIdentifier).join(', ');
  const diff = quoteIdentifier(DIFF_COLUMN);
  return [
    `SELECT ${list}, sum(__tsdbt_side) AS ${diff}`,
    'FROM (',
    `  SELECT ${list}, toInt64(1) AS __tsdbt_side FROM (\n${expectedSql}\n  )`,
    '  UNION ALL',
    `  SELECT ${list}, toInt64(-1) AS __tsdbt_side FROM (\n${actualSql.trim().replace(/(\s*;)+$/, '')}\n  )`,
    ')',
    `GROUP BY ${list}`,
    `HAVING ${diff} != 0`,
    `ORDER BY ${diff} DESC, ${list}`,
  ].join('\n');
}

function cellValue(row: Record<string, unknown>, column: Column): string {
  if (!Object.hasOwn(row, column.name)) return missingValue(column.type);
  const value = row[column.name];
  if (value === null || value === undefined)
    return isNullable(column.type) ? `CAST(NULL AS ${column.type})` : `CAST(NULL AS Nullable(${baseType(column.type)}))`;
  const text =
    typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) ? quoteString(JSON.stringify(value)) : literal(value, column.type);
  return `CAST(${text} AS ${column.type})`;
}

/** Types that cannot sit inside Nullable(…): their default comes from defaultValueOfTypeName (servers since 19.x). */
const NOT_NULLABLE_INSIDE = /^\s*(Array|Map|Tuple|Nested|LowCardinality|Object|JSON|Variant|Dynamic)\b/;

/** NULL for a Nullable column, else the type's default; `assumeNotNull(NULL)` gives it on every server, 18.16 included. */
function missingValue(type: string): string {
  if (isNullable(type)) return `CAST(NULL AS ${type})`;
  return NOT_NULLABLE_INSIDE.test(type) ? `defaultValueOfTypeName(${quoteString(type)})` : `assumeNotNull(CAST(NULL AS Nullable(${type})))`;
}
