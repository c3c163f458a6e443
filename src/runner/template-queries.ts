import type { Adapter } from '../core/adapter-types.js';
import { queryTable, typedQueryTable, type QueryTable } from '../compile/query-results.js';
import { renderWithQueries } from '../compile/replay-render.js';
import type { Logger } from '../core/logger.js';

/** Statements whose first keyword says they return rows; everything else (DDL, INSERT, DELETE…) is executed. */
const RETURNS_ROWS = /^(select|with|show|describe|desc|exists|explain|check)\b/i;

/** The first keyword of a statement, after blanks, comments and opening parentheses. */
export function firstKeyword(sql: string): string {
  return sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()*/, '').slice(0, 12);
}

/**
 * Runs one statement a template asked for (`run_query`, `statement`): rows come back as a table
 * with its columns' names even without rows, values read as their types say (64-bit integers as
 * numbers, so `{% if n > 0 %}` compares numbers); other statements give an empty one.
 */
export async function runTemplateQuery(adapter: Adapter, sql: string, signal?: AbortSignal): Promise<QueryTable> {
  const statement = sql.trim().replace(/;+\s*$/, '');
  if (RETURNS_ROWS.test(firstKeyword(statement))) {
    const result = await adapter.queryWithColumns(statement, { settings: { output_format_json_quote_64bit_integers: 0 }, ...(signal ? { signal } : {}) });
    return typedQueryTable(result);
  }
  await adapter.execute(statement, signal ? { signal } : {});
  return queryTable([]);
}

/** `renderWithQueries` with the queries running on `adapter`. */
export function renderWithAdapter<T>(
  adapter: Adapter,
  render: (runQuery: (sql: string) => QueryTable) => T,
  options: { logger?: Logger; file?: string; signal?: AbortSignal } = {},
): Promise<T> {
  return renderWithQueries(render, (sql) => runTemplateQuery(adapter, sql, options.signal), { logger: options.logger, file: options.file });
}
