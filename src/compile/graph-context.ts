import type { ColumnProperties, ModelNode, SeedNode, SourceNode, TestNode } from './nodes.js';

/** What `graph` gives templates at run time: dbt's `graph.nodes` and `graph.sources`, keyed by unique id. */
export interface GraphContext {
  nodes: Record<string, Record<string, unknown>>;
  sources: Record<string, Record<string, unknown>>;
  exposures: Record<string, never>;
  metrics: Record<string, never>;
}

interface GraphSource {
  models: Map<string, ModelNode>;
  seeds: Map<string, SeedNode>;
  tests: Map<string, TestNode>;
  sources: Map<string, SourceNode>;
}

const built = new WeakMap<GraphSource, { size: number; graph: GraphContext }>();

function columns(columns: Record<string, ColumnProperties> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(columns ?? {}).map(([name, column]) => [
      name,
      { name: column.name, description: column.description, data_type: column.dataType ?? null, meta: column.meta, tags: column.tags },
    ]),
  );
}

function common(node: ModelNode | SeedNode | TestNode | SourceNode): Record<string, unknown> {
  const relation = (node as { relation?: { schema: string; identifier: string } }).relation;
  return {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    path: node.originalFilePath,
    fqn: node.fqn,
    tags: node.tags,
    config: node.config,
    database: relation?.schema ?? null,
    schema: relation?.schema ?? null,
    alias: relation?.identifier ?? null,
    identifier: relation?.identifier ?? null,
    description: (node as { description?: string }).description ?? '',
    meta: (node as { meta?: Record<string, unknown> }).meta ?? {},
  };
}

/**
 * dbt's `graph` context variable, built once per project (and again if nodes were added). Node
 * dictionaries hold the fields packages read: names, config, relation parts, columns, depends_on,
 * raw code, test metadata.
 */
export function graphContext(project: GraphSource): GraphContext {
  const size = project.models.size + project.seeds.size + project.tests.size + project.sources.size;
  const known = built.get(project);
  if (known !== undefined && known.size === size) return known.graph;
  const nodes: Record<string, Record<string, unknown>> = {};
  for (const node of [...project.models.values(), ...project.seeds.values(), ...project.tests.values()]) {
    nodes[node.uniqueId] = {
      ...common(node),
      columns: columns((node as { columns?: Record<string, ColumnProperties> }).columns),
      depends_on: node.dependsOn,
      raw_code: (node as { rawSql?: string }).rawSql ?? null,
      raw_sql: (node as { rawSql?: string }).rawSql ?? null,
      ...(node.resourceType === 'test'
        ? { test_metadata: node.testMetadata ?? null, column_name: node.columnName ?? null, attached_node: node.attachedNode ?? null }
        : {}),
    };
  }
  const sources: Record<string, Record<string, unknown>> = {};
  for (const source of project.sources.values()) {
    sources[source.uniqueId] = {
      ...common(source),
      source_name: source.sourceName,
      columns: columns(source.columns),
      loaded_at_field: source.loadedAtField ?? null,
    };
  }
  const graph = { nodes, sources, exposures: {}, metrics: {} };
  built.set(project, { size, graph });
  return graph;
}
