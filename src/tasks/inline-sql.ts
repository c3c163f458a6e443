import { renderModel } from '../compile/render-model.js';
import type { Project } from '../compile/load-project.js';
import type { ModelNode } from '../compile/nodes.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';

/** Renders `--inline` SQL as if it were a model of the project, then checks its refs exist. */
export function renderInline(project: Project, sql: string): string {
  const node: ModelNode = {
    uniqueId: `sql_operation.${project.config.name}.inline_query`,
    name: 'inline_query',
    resourceType: 'model',
    packageName: project.config.name,
    fqn: [project.config.name, 'inline_query'],
    originalFilePath: '<inline>',
    tags: [],
    config: { materialized: 'view' },
    rawSql: sql,
    refs: [],
    sourceCalls: [],
    dependsOn: { nodes: [], macros: [] },
    relation: { schema: project.target.schema, identifier: 'inline_query' },
    description: '',
    columns: {},
    meta: {},
    patchPath: undefined,
    tests: [],
  };
  const names = new Set([...project.models.values(), ...project.seeds.values()].map((node) => node.name));
  const refs = [...sql.matchAll(/\bref\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]!);
  for (const name of refs) {
    if (!names.has(name)) {
      throw new TsdbtError({
        code: ErrorCodes.UNKNOWN_REF,
        message: `The inline query refers to '${name}', but no model or seed has that name.`,
        file: '<inline>',
        hint: `Models and seeds in this project: ${[...names].sort().join(', ') || '(none)'}.`,
      });
    }
  }
  return renderModel(project, node);
}
