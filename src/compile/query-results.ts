import { splitArgs } from '../template/call-args.js';
import type { QueryTable } from '../template/query-table.js';

// The table templates see lives in the template layer (templates print and read it); re-exported for compile's users.
export { QueryColumn, queryTable, tablePrinter, typedQueryTable, type QueryRow, type QueryTable } from '../template/query-table.js';

/**
 * dbt's `statement` call block and `load_result`, on top of a `run_query` function:
 * `{% call statement('n', fetch_result=True) %}select …{% endcall %}` then `load_result('n')`.
 * Results live as long as one render.
 */
export function statementFunctions(runQuery: ((sql: string) => QueryTable) | undefined): {
  statement: (...args: unknown[]) => string;
  load_result: (name: unknown) => unknown;
} {
  const results = new Map<string, { response: { rows_affected: number }; data: unknown[][]; table: QueryTable | null }>();
  return {
    statement: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const name = positional[0] ?? keywords.name;
      const fetch = (positional[1] ?? keywords.fetch_result) === true;
      const caller = keywords.caller;
      const sql = typeof caller === 'function' ? String(caller()) : '';
      // Without a connection (compile, parse) nothing runs and load_result() gives None, as in dbt when execute is false.
      if (runQuery === undefined || sql.trim() === '') return '';
      const table = runQuery(sql);
      if (typeof name === 'string') {
        results.set(name, { response: { rows_affected: table.length }, data: fetch ? table.rows.map((row) => [...row]) : [], table: fetch ? table : null });
      }
      return '';
    },
    load_result: (name: unknown) => results.get(String(name)) ?? null,
  };
}
