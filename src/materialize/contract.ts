import { quoteIdentifier } from '../core/sql-literals.js';
import type { Column } from './schema-change.js';

/**
 * Model contracts (dbt's `contract: {enforced: true}`) on ClickHouse: the declared columns are
 * compared with what the query returns before anything is built, and then define the table.
 * Pure: the runner reads the query's columns (`DESCRIBE (query)`) and hands them in.
 */

/** One declared column: its ClickHouse type (aliases mapped) and whether `not_null` makes it non-Nullable. */
export interface ContractColumn {
  name: string;
  /** As declared, after alias mapping (`int` → `Int32`). */
  type: string;
  notNull: boolean;
}

/** A `CONSTRAINT name CHECK expression` of the table. */
export interface ContractCheck {
  name: string;
  expression: string;
}

export interface Contract {
  columns: ContractColumn[];
  checks: ContractCheck[];
}

/** dbt's usual type names (lowercase) and the ClickHouse type each means. */
const ALIASES: Record<string, string> = {
  int: 'Int32',
  integer: 'Int32',
  int4: 'Int32',
  bigint: 'Int64',
  int8: 'Int64',
  long: 'Int64',
  smallint: 'Int16',
  int2: 'Int16',
  tinyint: 'Int8',
  string: 'String',
  text: 'String',
  varchar: 'String',
  char: 'String',
  'character varying': 'String',
  nvarchar: 'String',
  float: 'Float32',
  float4: 'Float32',
  real: 'Float32',
  double: 'Float64',
  float8: 'Float64',
  float64: 'Float64',
  'double precision': 'Float64',
  boolean: 'Bool',
  bool: 'Bool',
  timestamp: 'DateTime',
  datetime: 'DateTime',
  date: 'Date',
  uuid: 'UUID',
};

/**
 * The ClickHouse type a declared `data_type` stands for. With `alias_types: false` the type is
 * used as written. `varchar(20)` and `numeric(10,2)` keep their meaning (String, Decimal(10, 2)).
 */
export function clickhouseType(declared: string, aliasTypes = true): string {
  const trimmed = declared.trim();
  if (!aliasTypes) return trimmed;
  const lower = trimmed.toLowerCase().replace(/\s+/g, ' ');
  const alias = ALIASES[lower];
  if (alias !== undefined) return alias;
  const sized = /^(varchar|char|character varying|nvarchar|text|string)\s*\(\s*\d+\s*\)$/.exec(lower);
  if (sized !== null) return 'String';
  const decimal = /^(numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(lower);
  if (decimal !== null) return `Decimal(${decimal[2]}, ${decimal[3] ?? '0'})`;
  if (lower === 'numeric' || lower === 'decimal') return 'Decimal(38, 10)';
  return trimmed;
}

/** `Nullable(LowCardinality(String))` → `String`: what a contract's type is compared on; nullability is `not_null`'s business. */
export function baseType(type: string): string {
  let current = type.replace(/\s+/g, '');
  for (;;) {
    const wrapped = /^(Nullable|LowCardinality)\((.*)\)$/.exec(current);
    if (wrapped === null) return current;
    current = wrapped[2]!;
  }
}

export function isNullable(type: string): boolean {
  return /^\s*(LowCardinality\(\s*)?Nullable\(/.test(type);
}

/** The type the table's column gets: the declared one; Nullable where the query's is, unless `not_null` says otherwise. */
export function columnType(column: ContractColumn, queryType: string | undefined): string {
  const declared = column.type;
  if (column.notNull) return stripNullable(declared);
  if (isNullable(declared) || queryType === undefined || !isNullable(queryType)) return declared;
  const lowCardinality = /^LowCardinality\((.*)\)$/s.exec(declared.trim());
  return lowCardinality === null ? `Nullable(${declared})` : `LowCardinality(Nullable(${lowCardinality[1]}))`;
}

function stripNullable(type: string): string {
  return type
    .trim()
    .replace(/^(LowCardinality\()?Nullable\((.*)\)(\)?)$/s, (_all, low: string | undefined, inner: string, close: string) =>
      low === undefined ? inner : `${low}${inner}${close}`,
    );
}

export type MismatchReason = 'missing in definition' | 'missing in contract' | 'data type mismatch';

export interface ContractMismatch {
  column: string;
  /** The query's type, when it has the column. */
  definitionType: string | undefined;
  /** The contract's type, when it declares the column. */
  contractType: string | undefined;
  reason: MismatchReason;
}

/** dbt's comparison: names (order does not matter) and types; each difference with its reason. */
export function contractMismatches(contract: Contract, queryColumns: readonly Column[]): ContractMismatch[] {
  const query = new Map(queryColumns.map((column) => [column.name, column.type]));
  const declared = new Set(contract.columns.map((column) => column.name));
  const out: ContractMismatch[] = [];
  for (const column of contract.columns) {
    const type = query.get(column.name);
    if (type === undefined) out.push({ column: column.name, definitionType: undefined, contractType: column.type, reason: 'missing in definition' });
    else if (baseType(type) !== baseType(column.type))
      out.push({ column: column.name, definitionType: type, contractType: column.type, reason: 'data type mismatch' });
  }
  for (const column of queryColumns) {
    if (!declared.has(column.name)) out.push({ column: column.name, definitionType: column.type, contractType: undefined, reason: 'missing in contract' });
  }
  return out;
}

/** The mismatches as an aligned text table (column, definition type, contract type, mismatch). */
export function mismatchTable(mismatches: readonly ContractMismatch[]): string {
  const rows = [
    ['column', 'definition type', 'contract type', 'mismatch'],
    ...mismatches.map((m) => [m.column, m.definitionType ?? '', m.contractType ?? '', m.reason]),
  ];
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** `(\`id\` Int32, \`name\` Nullable(String), CONSTRAINT positive CHECK id > 0)`: the table's schema from the contract. */
export function columnDefinitions(contract: Contract, queryColumns: readonly Column[]): string {
  const query = new Map(queryColumns.map((column) => [column.name, column.type]));
  const parts = contract.columns.map((column) => `${quoteIdentifier(column.name)} ${columnType(column, query.get(column.name))}`);
  for (const check of contract.checks) parts.push(`CONSTRAINT ${quoteIdentifier(check.name)} CHECK ${check.expression}`);
  return `(\n  ${parts.join(',\n  ')}\n)`;
}

/** The SELECT list that fills the contract's columns: by name, cast where the query's type is not the column's. */
export function contractSelectList(contract: Contract, queryColumns: readonly Column[]): string {
  const query = new Map(queryColumns.map((column) => [column.name, column.type]));
  return contract.columns
    .map((column) => {
      const name = quoteIdentifier(column.name);
      const target = columnType(column, query.get(column.name));
      return query.get(column.name)?.replace(/\s+/g, '') === target.replace(/\s+/g, '') ? name : `CAST(${name} AS ${target}) AS ${name}`;
    })
    .join(', ');
}
