import { quoteIdentifier } from '../core/sql-literals.js';

/**
 * A database relation as models see it (`{{ ref('x') }}`, `{{ this }}`). In ClickHouse a dbt
 * "schema" is a database, so a relation is `schema`.`identifier`. Prints itself quoted.
 */
export class Relation {
  readonly type: string | undefined;
  constructor(
    readonly schema: string,
    readonly identifier: string,
    type?: string,
  ) {
    this.type = type;
  }

  /** dbt spells the database part both ways; for ClickHouse they are the same thing. */
  get database(): string {
    return this.schema;
  }
  get name(): string {
    return this.identifier;
  }
  get table(): string {
    return this.identifier;
  }
  get is_table(): boolean {
    return this.type === 'table' || this.type === 'incremental';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  get is_cte(): boolean {
    return this.type === 'cte' || this.type === 'ephemeral';
  }

  /**
   * A relation like this one with some parts changed: `incorporate(path={'identifier': 'x__tmp'})`,
   * `incorporate(type='view')` (Jinja keyword arguments arrive as one object).
   */
  incorporate(options: { path?: { identifier?: string; schema?: string; database?: string }; type?: string } = {}): Relation {
    const path = options.path ?? {};
    return new Relation(path.schema ?? path.database ?? this.schema, path.identifier ?? this.identifier, options.type ?? this.type);
  }

  /** dbt's relations are mappings carrying their class name: dbt-utils' `_is_relation` checks `obj.get('metadata', {}).get('type')`. */
  get metadata(): { type: string } {
    return { type: 'ClickHouseRelation' };
  }

  get(key: string, fallback: unknown = null): unknown {
    const value = (this as unknown as Record<string, unknown>)[key];
    return value === undefined || typeof value === 'function' ? fallback : value;
  }

  /** dbt's include(database=…, schema=…, identifier=…) selects the parts rendered; a ClickHouse name is always database.table. */
  include(): Relation {
    return this;
  }

  /** dbt's quote(…) sets quoting policy; tsdbt always quotes. */
  quote(): Relation {
    return this;
  }

  render(): string {
    return `${quoteIdentifier(this.schema)}.${quoteIdentifier(this.identifier)}`;
  }

  toString(): string {
    return this.render();
  }
}
