import type { Project } from './load-project.js';
import type { TestNode } from './nodes.js';
import type { QueryTable } from '../template/query-table.js';
import { runtimeScope } from './render-model.js';
import { Relation } from '../template/relation.js';
import type { Scope } from '../template/template-engine.js';
import { renderTestKwargs } from '../testing/test-kwargs.js';

/**
 * The SELECT returning a test's failing rows, with real relation names. Singular tests
 * render their file; generic tests call their `test_<name>` macro with the evaluated
 * arguments and `model` set to the node under test (narrowed by `where`, as dbt does).
 */
export function renderTest(project: Project, node: TestNode, runQuery?: (sql: string) => QueryTable): string {
  // With `runQuery` (when tests run), test macros read the database as models do: dbt-utils'
  // `equality` asks adapter.get_columns_in_relation for the columns it compares.
  const scope = runtimeScope(project, node, runQuery === undefined ? {} : { runQuery });
  if (node.testMetadata === undefined) {
    return project.engine.compile(node.originalFilePath, node.rawSql).render(scope).trim();
  }
  const { name, kwargs, namespace } = node.testMetadata;
  const args = renderTestKwargs(project.engine, scope, kwargs, node.originalFilePath);
  const model = whereSubquery(attachedRelation(project, node, scope), node.config.where);
  const sql = project.engine.callMacro(`test_${name}`, scope, [{ ...args, model, __keywords: true }], namespace);
  return String(sql ?? '').trim();
}

function attachedRelation(project: Project, node: TestNode, scope: Scope): Relation {
  const attached = node.attachedNode === undefined ? undefined : project.nodes.get(node.attachedNode);
  if (attached?.resourceType === 'source') return (scope.source as (a: string, b: string) => Relation)(attached.sourceName, attached.name);
  return (scope.ref as (name: string) => Relation)(attached?.name ?? '');
}

/** dbt's `get_where_subquery`: the relation itself, or `(select * from it where …) dbt_subquery`. */
export class WhereSubquery extends Relation {
  constructor(
    relation: Relation,
    readonly condition: string,
  ) {
    super(relation.schema, relation.identifier, relation.type);
    this.inner = relation;
  }
  private readonly inner: Relation;
  override render(): string {
    return `(select * from ${this.inner.render()} where ${this.condition}) dbt_subquery`;
  }
}

function whereSubquery(relation: Relation, where: unknown): Relation {
  return typeof where === 'string' && where.trim() !== '' ? new WhereSubquery(relation, where) : relation;
}
