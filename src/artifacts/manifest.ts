import type { Project } from '../compile/load-project.js';
import type { ColumnProperties, ModelNode, SourceNode } from '../compile/nodes.js';
import { childrenIn, parentsIn } from '../graph/build-graph.js';
import { TSDBT_VERSION } from '../version.js';

/**
 * manifest.json, in dbt's shape for the fields tools commonly read (nodes, sources, macros,
 * parent_map, child_map, metadata). Never contains the target's password.
 */
export function buildManifest(project: Project, generatedAt: Date = new Date()): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const node of project.models.values()) nodes[node.uniqueId] = modelEntry(project, node);
  const sources: Record<string, unknown> = {};
  for (const source of project.sources.values()) sources[source.uniqueId] = sourceEntry(source);
  const macros: Record<string, unknown> = {};
  for (const name of project.engine.macroNames()) {
    const macro = project.engine.macro(name)!;
    macros[`macro.${project.config.name}.${name}`] = { unique_id: `macro.${project.config.name}.${name}`, name, package_name: project.config.name, original_file_path: macro.file, path: macro.file };
  }
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of project.nodes.keys()) {
    parentMap[id] = parentsIn(project.graph, id).sort();
    childMap[id] = childrenIn(project.graph, id).sort();
  }
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: TSDBT_VERSION,
      tsdbt_version: TSDBT_VERSION,
      generated_at: generatedAt.toISOString(),
      invocation_id: project.invocationId,
      adapter_type: 'clickhouse',
      project_name: project.config.name,
      env: {},
    },
    nodes,
    sources,
    macros,
    docs: Object.fromEntries([...project.docs].map(([name, text]) => [`doc.${project.config.name}.${name}`, { name, block_contents: text, package_name: project.config.name }])),
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: parentMap,
    child_map: childMap,
    group_map: {},
    semantic_models: {},
    unit_tests: {},
    saved_queries: {},
  };
}

function modelEntry(project: Project, node: ModelNode): Record<string, unknown> {
  return {
    unique_id: node.uniqueId,
    resource_type: 'model',
    name: node.name,
    alias: node.relation.identifier,
    schema: node.relation.schema,
    database: null,
    package_name: node.packageName,
    path: node.originalFilePath.split('/').slice(1).join('/'),
    original_file_path: node.originalFilePath,
    patch_path: node.patchPath === undefined ? null : `${project.config.name}://${node.patchPath}`,
    fqn: node.fqn,
    tags: node.tags,
    config: node.config,
    description: node.description,
    columns: columnsEntry(node.columns),
    meta: node.meta,
    raw_code: node.rawSql,
    compiled_code: node.compiledSql ?? null,
    compiled: node.compiledSql !== undefined,
    language: 'sql',
    checksum: { name: 'sha256', checksum: node.checksum },
    depends_on: { nodes: node.dependsOn.nodes, macros: node.dependsOn.macros },
    refs: node.refs.map((ref) => ({ name: ref.name, package: ref.packageName ?? null, version: null })),
    sources: node.sourceCalls.map((call) => [call.source, call.table]),
    relation_name: `\`${node.relation.schema}\`.\`${node.relation.identifier}\``,
  };
}

function sourceEntry(source: SourceNode): Record<string, unknown> {
  return {
    unique_id: source.uniqueId,
    resource_type: 'source',
    name: source.name,
    source_name: source.sourceName,
    identifier: source.relation.identifier,
    schema: source.relation.schema,
    database: null,
    package_name: source.packageName,
    path: source.originalFilePath,
    original_file_path: source.originalFilePath,
    fqn: source.fqn,
    tags: source.tags,
    config: source.config,
    description: source.description,
    source_description: source.sourceDescription,
    columns: columnsEntry(source.columns),
    meta: source.meta,
    loaded_at_field: source.loadedAtField ?? null,
    relation_name: `\`${source.relation.schema}\`.\`${source.relation.identifier}\``,
    // The ingest config may hold credentials in URLs or headers; record only that it exists.
    ingest: source.ingest === undefined ? null : { configured: true },
  };
}

function columnsEntry(columns: Record<string, ColumnProperties>): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(columns).map((column) => [column.name, { name: column.name, description: column.description, data_type: column.dataType ?? null, meta: column.meta, tags: column.tags }]),
  );
}
