import type { TypedRows } from '../core/adapter-types.js';
import { splitArgs } from './call-args.js';

/**
 * What `run_query()` returns in templates, shaped like dbt's agate table where templates touch it:
 * iterable rows (`{% for row in table %}`), `table.rows`, `table[0][0]`, `row['craft']`,
 * `table.columns[0].values()`, `table.column_names`.
 */
export type QueryRow = unknown[] & Record<string, unknown>;

/** One column: `name`, `values()`. Tagged so the Jinja compat layer does not read `.values()` as a dict's. */
export class QueryColumn {
  constructor(
    readonly name: string,
    private readonly read: () => unknown[],
  ) {}
  values(): unknown[] {
    return this.read();
  }
  get [Symbol.toStringTag](): string {
    return 'QueryColumn';
  }
}

export type QueryTable = QueryRow[] & {
  rows: QueryRow[];
  print_table(...args: unknown[]): string;
  print_json(): string;
  columns: QueryColumn[] & Record<string, QueryColumn>;
  column_names: string[];
};

/** Builds a table from rows keyed by column name (JSONEachRow). A statement that returns nothing gives an empty table. */
export function queryTable(records: readonly Record<string, unknown>[], columnNames: readonly string[] = Object.keys(records[0] ?? {})): QueryTable {
  const rows = records.map((record) =>
    named(
      columnNames.map((name) => record[name]),
      columnNames,
    ),
  );
  const columns = named(
    columnNames.map((name) => new QueryColumn(name, () => rows.map((row) => row[name]))),
    columnNames,
  ) as QueryColumn[] & Record<string, QueryColumn>;
  const table = [...rows] as QueryTable;
  Object.defineProperties(table, {
    rows: { value: rows, enumerable: false },
    columns: { value: columns, enumerable: false },
    column_names: { value: [...columnNames], enumerable: false },
    print_table: { value: (...args: unknown[]) => printed(formatTable(rows, columnNames, args)), enumerable: false },
    print_json: { value: () => printed(JSON.stringify(records, null, 2)), enumerable: false },
  });
  return table;
}

/**
 * The table of a query whose column types are known: its columns even when no row came back (as
 * agate's), and each value as dbt-clickhouse's driver hands it to dbt. A Float32 is the double it
 * holds (`toFloat32(3.3)` is 3.299999952316284, not the 3.3 ClickHouse prints), so a value read
 * with `run_query` and written back into SQL compares equal to the column it came from.
 */
export function typedQueryTable({ columns, rows }: TypedRows): QueryTable {
  const float32 = columns.filter((column) => FLOAT32.test(column.type)).map((column) => column.name);
  const records =
    float32.length === 0
      ? rows
      : rows.map((row) => {
          const copy = { ...row };
          for (const name of float32) if (typeof copy[name] === 'number') copy[name] = Math.fround(copy[name]);
          return copy;
        });
  return queryTable(
    records,
    columns.map((column) => column.name),
  );
}

const FLOAT32 = /^(Nullable\(|LowCardinality\()*Float32\)*$/;

/**
 * Where `table.print_table()` / `table.print_json()` write (agate prints to stdout): the project's
 * logger, as `print()` does; base-globals.ts points it there when a project's globals are made.
 */
export const tablePrinter: { print: (text: string) => void } = { print: () => undefined };

function printed(text: string): string {
  tablePrinter.print(text);
  return '';
}

/** agate's print_table layout: a header, a rule, one line per row (max_rows first rows, default 20). */
function formatTable(rows: readonly QueryRow[], names: readonly string[], args: unknown[]): string {
  const { positional, keywords } = splitArgs(args);
  const maxRows = Number(keywords.max_rows ?? positional[0] ?? 20);
  const shown = rows.slice(0, maxRows).map((row) => names.map((_name, index) => (row[index] === null || row[index] === undefined ? '' : String(row[index]))));
  const widths = names.map((name, index) => Math.max(name.length, ...shown.map((cells) => cells[index]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const out = [line(names), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...shown.map(line)];
  if (rows.length > shown.length) out.push(`| ${widths.map((width) => '...'.padEnd(width)).join(' | ')} |`);
  return out.join('\n');
}

/**
 * An array whose items can also be read by name (`row['craft']`); names that clash with array
 * members are left out. Like agate's MappedSequence (rows, `table.columns`), it also answers
 * `items()`, `keys()`, `values()` (lists, not iterators), `get(name, default)` and `dict()`:
 * dbt-utils' get_query_results_as_dict walks `table.columns.items()`.
 */
function named<T>(items: T[], names: readonly string[]): T[] & Record<string, T> {
  const out = [...items] as T[] & Record<string, T>;
  names.forEach((name, index) => {
    if (!(name in out)) Object.defineProperty(out, name, { value: items[index], enumerable: false });
  });
  const mapping: Record<string, unknown> = {
    items: () => names.map((name, index) => [name, items[index]]),
    keys: () => [...names],
    values: () => [...items],
    get: (name: string, fallback: unknown = null) => {
      const index = names.indexOf(String(name));
      return index === -1 ? fallback : items[index];
    },
    dict: () => Object.fromEntries(names.map((name, index) => [name, items[index]])),
  };
  for (const [method, fn] of Object.entries(mapping)) Object.defineProperty(out, method, { value: fn, enumerable: false });
  return out;
}
