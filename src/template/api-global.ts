import { quoteIdentifier } from '../core/sql-literals.js';
import { splitArgs } from './call-args.js';
import { Relation } from './relation.js';

/** dbt's portable type names → ClickHouse's (dbt's Column.TYPE_LABELS, as `api.Column.translate_type` uses them). */
const TYPE_LABELS: Record<string, string> = {
  STRING: 'String',
  TEXT: 'String',
  TIMESTAMP: 'DateTime',
  // dbt-clickhouse says Float32; Float64 keeps values as written in seeds and literals.
  FLOAT: 'Float64',
  INTEGER: 'Int32',
  INT: 'Int32',
  BIGINT: 'Int64',
  BOOLEAN: 'Bool',
  NUMERIC: 'Decimal(28, 6)',
  DATE: 'Date',
};

/** One column as `adapter.get_columns_in_relation` returns it and `api.Column(...)` makes it (dbt's Column). */
export class Column {
  constructor(
    readonly column: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
  ) {}
  get name(): string {
    return this.column;
  }
  get data_type(): string {
    return this.dtype;
  }
  get quoted(): string {
    return quoteIdentifier(this.column);
  }
  /** The type without Nullable()/LowCardinality() wrappers, which the tests below look through. */
  private get base(): string {
    return this.dtype.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
  }
  is_string(): boolean {
    return /^(String|FixedString\(\d+\))$/.test(this.base);
  }
  is_integer(): boolean {
    return /^U?Int(8|16|32|64|128|256)$/.test(this.base);
  }
  is_float(): boolean {
    return /^(Float32|Float64|BFloat16)$/.test(this.base);
  }
  is_numeric(): boolean {
    return /^Decimal/.test(this.base);
  }
  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }
  string_size(): number {
    const fixed = /^FixedString\((\d+)\)$/.exec(this.base);
    return fixed ? Number(fixed[1]) : 256;
  }
  can_expand_to(): boolean {
    return false;
  }
  toString(): string {
    return `<Column ${this.column} (${this.dtype})>`;
  }
}

/** `api.Column(...)` is callable like the Python class, with its class methods as properties. */
function columnConstructor() {
  const make = (...args: unknown[]): Column => {
    const { positional, keywords } = splitArgs(args);
    const [column, dtype, charSize, precision, scale] = positional;
    return new Column(
      String(column ?? keywords.column ?? keywords.name),
      String(dtype ?? keywords.dtype ?? keywords.data_type ?? ''),
      (charSize ?? keywords.char_size ?? null) as number | null,
      (precision ?? keywords.numeric_precision ?? null) as number | null,
      (scale ?? keywords.numeric_scale ?? null) as number | null,
    );
  };
  return Object.assign(make, {
    translate_type: (dtype: string) => TYPE_LABELS[String(dtype).toUpperCase()] ?? String(dtype),
    numeric_type: (_dtype: string, precision?: number | null, scale?: number | null) =>
      precision === null || precision === undefined ? 'Decimal(28, 6)' : `Decimal(${precision}, ${scale ?? 0})`,
    string_type: () => 'String',
    create: (name: string, dtype: string) => new Column(String(name), String(dtype)),
  });
}

/** `api.Relation.create(database=…, schema=…, identifier=…, type=…)`: schema and database both mean the ClickHouse database. */
function relationCreate(...args: unknown[]): Relation {
  const { positional, keywords } = splitArgs(args);
  const [database, schema, identifier, type] = positional as (string | undefined)[];
  const db = (keywords.schema ?? schema ?? keywords.database ?? database ?? '') as string;
  return new Relation(String(db), String(keywords.identifier ?? identifier ?? ''), (keywords.type ?? type) as string | undefined);
}

/** What templates see as `api`. */
export function apiGlobal(): Record<string, unknown> {
  // The name of an ephemeral model's CTE (compile/ephemeral.ts's CTE_PREFIX, which this layer cannot
  // import); dbt-utils' _is_ephemeral asks for it to refuse ephemeral relations.
  return { Relation: { create: relationCreate, add_ephemeral_prefix: (name: unknown) => `__tsdbt__cte__${String(name)}` }, Column: columnConstructor() };
}
