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

  /** A relation next to this one with a suffix, e.g. `people__tsdbt_tmp`. */
  incorporate(options: { path?: { identifier?: string; schema?: string } } = {}): Relation {
    return new Relation(options.path?.schema ?? this.schema, options.path?.identifier ?? this.identifier, this.type);
  }

  render(): string {
    return `${quoteIdentifier(this.schema)}.${quoteIdentifier(this.identifier)}`;
  }

  toString(): string {
    return this.render();
  }
}
