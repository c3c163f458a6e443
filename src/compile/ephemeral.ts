import { quoteIdentifier } from '../core/sql-literals.js';
import { Relation } from '../template/relation.js';
import type { ModelNode } from './nodes.js';

/** Ephemeral model `x` is the CTE `__tsdbt__cte__x` in the models that ref it (dbt's `__dbt__cte__x`). */
export const CTE_PREFIX = '__tsdbt__cte__';

/** `{{ ref('x') }}` of an ephemeral model: prints the CTE's name. */
class CteRelation extends Relation {
  override render(): string {
    return quoteIdentifier(this.identifier);
  }
}

/** The same, where there is no CTE list to add to: prints the model's SELECT as a subquery. */
class SubqueryRelation extends Relation {
  constructor(
    schema: string,
    identifier: string,
    private readonly sql: string,
  ) {
    super(schema, identifier, 'ephemeral');
  }
  override render(): string {
    return `(\n${this.sql}\n)`;
  }
}

/**
 * The ephemeral models one render refs, each rendered once, in dependency order (an ephemeral model
 * that refs another one adds that one first, while it renders).
 */
export class EphemeralCtes {
  private readonly ctes = new Map<string, string>();

  constructor(
    private readonly render: (node: ModelNode) => string,
    private readonly asSubquery = false,
  ) {}

  ref(node: ModelNode): Relation {
    if (this.asSubquery) return new SubqueryRelation(node.relation.schema, node.name, stripSemicolons(this.render(node)));
    const name = `${CTE_PREFIX}${node.name}`;
    if (!this.ctes.has(name)) this.ctes.set(name, stripSemicolons(this.render(node)));
    return new CteRelation(node.relation.schema, name, 'ephemeral');
  }

  /**
   * A unit test's given rows for a relation: a CTE named like the relation's table, so the model's
   * joins, aliases and `table.column` qualifiers read as they do on the real relation (another
   * name when two inputs share a table name). As a subquery where there is no CTE list.
   */
  input(schema: string, identifier: string, sql: string): Relation {
    if (this.asSubquery) return new SubqueryRelation(schema, identifier, stripSemicolons(sql));
    let name = identifier;
    for (let n = 2; this.ctes.has(name) && this.ctes.get(name) !== stripSemicolons(sql); n += 1) name = `${identifier}__${n}`;
    this.ctes.set(name, stripSemicolons(sql));
    return new CteRelation(schema, name, 'table');
  }

  /** Puts the CTEs in front of `sql`, joining the model's own `WITH` list if it starts with one. */
  inject(sql: string): string {
    if (this.ctes.size === 0) return sql;
    const list = [...this.ctes].map(([name, body]) => `${quoteIdentifier(name)} AS (\n${body}\n)`).join(',\n');
    const at = afterLeadingWith(sql);
    return at === undefined ? `WITH ${list}\n${sql}` : `${sql.slice(0, at)} ${list},\n${sql.slice(at).replace(/^\s+/, '')}`;
  }
}

/** Index just after a leading `WITH` keyword (comments and blanks before it skipped), if the SQL starts with one. */
function afterLeadingWith(sql: string): number | undefined {
  let i = 0;
  for (;;) {
    const rest = sql.slice(i);
    const skip = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)/.exec(rest);
    if (skip === null) break;
    i += skip[0].length;
  }
  return /^with\b/i.test(sql.slice(i)) ? i + 4 : undefined;
}

function stripSemicolons(sql: string): string {
  return sql.replace(/[;\s]+$/, '');
}
