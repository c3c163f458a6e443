import { freshnessJson } from '../compile/freshness.js';
import type { ExposureNode } from '../compile/exposures.js';
import { createHash } from 'node:crypto';
import type { Project } from '../compile/load-project.js';
import { compiledSqlOf } from '../compile/run-state.js';
import { usedMacros } from '../compile/load-project.js';
import type { ColumnProperties, ModelNode, ProjectNode, RelationName, SourceNode } from '../compile/nodes.js';
import { childrenIn, parentsIn } from '../graph/build-graph.js';
import type { GraphNode } from '../graph/node.js';
import type { ModelLineage } from '../graph/lineage/column-graph.js';
import { TSDBT_VERSION } from '../version.js';
import { testManifestFields } from './test-manifest-fields.js';
import { contractChecksum, contractConfig } from '../compile/contracts.js';
import type { UnitTestNode } from '../compile/nodes.js';
import { constraintEntry, unitTestEntry } from './unit-test-entry.js';

/**
 * manifest.json, in dbt's v12 shape for the fields tools commonly read (nodes, sources,
 * macros, parent_map, child_map, metadata); docs/artifacts.md lists the differences. It is
 * also what `--state` compares against, so it carries checksums for models and macros.
 * Never contains the target's password.
 */
export function buildManifest(project: Project, generatedAt: Date = new Date()): Record<string, unknown> {
  const manifest: Record<string, unknown> = {};
  for (const [key, value] of manifestSections(project, generatedAt)) manifest[key] = value instanceof EntryMap ? value.build() : value;
  return manifest;
}

/**
 * A map of the manifest whose entries are made on demand: `writeManifestArtifact` writes them a
 * group at a time, so 40,000 node entries (and their parent and child lists) never all exist
 * at once; `buildManifest` makes the whole object from the same sections.
 */
export class EntryMap {
  constructor(
    readonly keys: readonly string[],
    readonly entry: (key: string) => unknown,
  ) {}

  build(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = this.entry(key);
    return out;
  }
}

/** The manifest's top-level keys in order (metadata first, nodes last, models last in it), each with its value or an EntryMap. */
export function manifestSections(project: Project, generatedAt: Date): [string, unknown][] {
  const createdAt = generatedAt.getTime() / 1000;
  const all = project.nodes as Map<string, ProjectNode>;
  const nodeIds: string[] = [];
  const modelIds: string[] = [];
  const sourceIds: string[] = [];
  const unitTestIds: string[] = [];
  const exposures: Record<string, unknown> = {};
  for (const node of all.values()) {
    if (node.resourceType === 'exposure') exposures[node.uniqueId] = exposureEntry(node, createdAt);
    else if (node.resourceType === 'model') modelIds.push(node.uniqueId);
    else (node.resourceType === 'source' ? sourceIds : node.resourceType === 'unit_test' ? unitTestIds : nodeIds).push(node.uniqueId);
  }
  // The models' entries come last in `nodes`, and `nodes` last in the file: a re-compile that
  // replaces one changed model's entry (tasks/compile-patch.ts) moves only the bytes after it,
  // not the test entries and the parent and child maps. JSON readers ignore key order.
  nodeIds.push(...modelIds);
  const nodes = new EntryMap(nodeIds, (id) => {
    const node = all.get(id)!;
    return node.resourceType === 'model' ? modelEntry(project, node as ModelNode, createdAt) : otherNodeEntry(project, node, createdAt);
  });
  const sources = new EntryMap(sourceIds, (id) => sourceEntry(all.get(id) as SourceNode, createdAt));
  const ids = [...all.keys()];
  const parentMap = new EntryMap(ids, (id) => parentsIn(project.graph, id).sort());
  const childMap = new EntryMap(ids, (id) => childrenIn(project.graph, id).sort());
  const projectName = project.config.name;
  return [
    [
      'metadata',
      {
        dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
        dbt_version: TSDBT_VERSION,
        tsdbt_version: TSDBT_VERSION,
        generated_at: generatedAt.toISOString(),
        invocation_id: project.invocationId,
        env: {},
        project_name: projectName,
        project_id: createHash('md5').update(projectName).digest('hex'),
        user_id: null,
        send_anonymous_usage_stats: false,
        adapter_type: 'clickhouse',
      },
    ],
    ['sources', sources],
    ['macros', macroEntries(project, createdAt)],
    [
      'docs',
      Object.fromEntries(
        [...project.docs].map(([name, text]) => [
          `doc.${projectName}.${name}`,
          { unique_id: `doc.${projectName}.${name}`, name, resource_type: 'doc', package_name: projectName, block_contents: text },
        ]),
      ),
    ],
    ['exposures', exposures],
    ['metrics', {}],
    ['groups', {}],
    ['selectors', {}],
    ['disabled', {}],
    ['parent_map', parentMap],
    ['child_map', childMap],
    ['group_map', {}],
    ['semantic_models', {}],
    ['unit_tests', new EntryMap(unitTestIds, (id) => unitTestEntry(all.get(id) as UnitTestNode, project.target.schema, createdAt))],
    ['saved_queries', {}],
    ['nodes', nodes],
  ];
}

/** Internal macro ids are `macro.<name>`; dbt's are `macro.<package>.<name>`. */
export function macroUniqueId(projectName: string, internalId: string): string {
  // (indexOf, not split: this runs for every macro every node depends on)
  return internalId.startsWith('macro.') && internalId.indexOf('.', 6) === -1 ? `macro.${projectName}.${internalId.slice('macro.'.length)}` : internalId;
}

function macroEntries(project: Project, createdAt: number): Record<string, unknown> {
  const macros: Record<string, unknown> = {};
  const projectName = project.config.name;
  const all = [
    ...project.engine.macroNames().map((name) => ({ name, packageName: projectName, macro: project.engine.macro(name)! })),
    ...project.engine
      .packageNames()
      .flatMap((packageName) =>
        project.engine.packageMacroNames(packageName).map((name) => ({ name, packageName, macro: project.engine.macro(name, packageName)! })),
      ),
  ];
  for (const { name, packageName, macro } of all) {
    const uniqueId = `macro.${packageName}.${name}`;
    macros[uniqueId] = {
      unique_id: uniqueId,
      name,
      resource_type: 'macro',
      package_name: packageName,
      path: macro.file,
      original_file_path: macro.file,
      macro_sql: macro.sql,
      checksum: sha256(macro.sql),
      // Macros a macro calls, so a change deep in a chain still marks the models at its top.
      depends_on: {
        macros: usedMacros(macro.sql, project.engine)
          .filter((id) => id !== `macro.${name}`)
          .map((id) => macroUniqueId(projectName, id)),
      },
      description: '',
      meta: {},
      docs: { show: true, node_color: null },
      patch_path: null,
      arguments: [],
      created_at: createdAt,
      supported_languages: null,
    };
  }
  return macros;
}

// ClickHouse has no database above the schema: dbt's `schema` is the ClickHouse database, `database` stays null.
// The entries below are object literals without spreads: V8 builds those with a fixed shape,
// where a spread followed by thirty keys makes a slow dictionary object (several per model in
// the manifest). Key order is the manifest's order.
function modelEntry(project: Project, node: ModelNode, createdAt: number): Record<string, unknown> {
  const compiledSql = compiledSqlOf(project, node);
  return {
    database: null,
    schema: node.relation.schema,
    name: node.name,
    resource_type: 'model',
    package_name: node.packageName,
    path: withoutFirstFolder(node.originalFilePath),
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    alias: node.relation.identifier,
    checksum: { name: 'sha256', checksum: node.checksum },
    config: node.config,
    tags: node.tags,
    description: node.description,
    columns: modelColumnsEntry(node, project.run.columnLineage?.get(node.uniqueId)),
    meta: node.meta,
    group: null,
    docs: { show: true, node_color: null },
    patch_path: node.patchPath === undefined ? null : `${project.config.name}://${node.patchPath}`,
    build_path: null,
    created_at: createdAt,
    relation_name: relationName(node.relation),
    raw_code: node.rawSql,
    language: 'sql',
    refs: node.refs.map((ref) => ({ name: ref.name, package: ref.packageName ?? null, version: null })),
    sources: node.sourceCalls.map((call) => [call.source, call.table]),
    metrics: [],
    depends_on: { macros: node.dependsOn.macros.map((id) => macroUniqueId(project.config.name, id)), nodes: node.dependsOn.nodes },
    compiled_path: compiledSql === undefined ? null : compiledPath(project, node),
    compiled: compiledSql !== undefined,
    compiled_code: compiledSql ?? null,
    extra_ctes_injected: compiledSql !== undefined,
    extra_ctes: [],
    contract: { enforced: contractConfig(node.config).enforced, alias_types: contractConfig(node.config).aliasTypes, checksum: contractChecksum(node) },
    access: 'protected',
    constraints: (node.constraints ?? []).map((constraint) => constraintEntry(constraint, true)),
    version: null,
    latest_version: null,
    deprecation_date: null,
  };
}

/**
 * Seeds, tests, snapshots…: the common fields, read from whatever the node carries
 * (relation, rawSql, dependsOn, columns) and its compiled SQL in this command, so new node
 * kinds appear without changes here.
 */
function otherNodeEntry(project: Project, node: GraphNode, createdAt: number): Record<string, unknown> {
  const extra = node as GraphNode & Partial<Pick<ModelNode, 'relation' | 'rawSql' | 'dependsOn' | 'description' | 'columns' | 'meta'>>;
  const compiledSql = compiledSqlOf(project, node);
  const entry: Record<string, unknown> = {
    database: null,
    schema: extra.relation === undefined ? null : extra.relation.schema,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    alias: extra.relation?.identifier ?? null,
    checksum: node.checksum === undefined ? { name: 'none', checksum: '' } : { name: 'sha256', checksum: node.checksum },
    config: node.config,
    tags: node.tags,
    description: extra.description ?? '',
    columns: extra.columns === undefined ? {} : columnsEntry(extra.columns),
    meta: extra.meta ?? {},
    created_at: createdAt,
    relation_name: extra.relation === undefined ? null : relationName(extra.relation),
    raw_code: extra.rawSql ?? '',
    language: 'sql',
    depends_on: {
      macros: (extra.dependsOn?.macros ?? []).map((id) => macroUniqueId(project.config.name, id)),
      nodes: extra.dependsOn?.nodes ?? parentsIn(project.graph, node.uniqueId).sort(),
    },
    compiled: compiledSql !== undefined,
    compiled_code: compiledSql ?? null,
  };
  const testFields = testManifestFields(node);
  for (const key in testFields) entry[key] = testFields[key];
  return entry;
}

function exposureEntry(exposure: ExposureNode, createdAt: number): Record<string, unknown> {
  return {
    name: exposure.name,
    resource_type: 'exposure',
    package_name: exposure.packageName,
    path: withoutFirstFolder(exposure.originalFilePath),
    original_file_path: exposure.originalFilePath,
    unique_id: exposure.uniqueId,
    fqn: exposure.fqn,
    type: exposure.type,
    owner: { email: exposure.owner.email ?? null, name: exposure.owner.name ?? null },
    description: exposure.description,
    label: exposure.label ?? null,
    maturity: exposure.maturity ?? null,
    meta: exposure.meta,
    tags: exposure.tags,
    config: exposure.config,
    unrendered_config: {},
    url: exposure.url ?? null,
    depends_on: { macros: [], nodes: exposure.dependsOn.nodes },
    refs: exposure.dependencies
      .filter((item) => item.kind === 'ref')
      .map((item) => ({ name: item.args[item.args.length - 1], package: item.args.length > 1 ? item.args[0] : null, version: null })),
    sources: exposure.dependencies.filter((item) => item.kind === 'source').map((item) => item.args),
    metrics: [],
    created_at: createdAt,
  };
}

function sourceEntry(source: SourceNode, createdAt: number): Record<string, unknown> {
  return {
    database: null,
    schema: source.relation.schema,
    name: source.name,
    resource_type: 'source',
    package_name: source.packageName,
    path: source.originalFilePath,
    original_file_path: source.originalFilePath,
    unique_id: source.uniqueId,
    fqn: source.fqn,
    source_name: source.sourceName,
    source_description: source.sourceDescription,
    loader: '',
    identifier: source.relation.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: source.loadedAtField ?? null,
    freshness: freshnessJson(source.freshness),
    loaded_at_query: source.loadedAtQuery ?? null,
    external: null,
    description: source.description,
    columns: columnsEntry(source.columns),
    meta: source.meta,
    source_meta: {},
    tags: source.tags,
    config: source.config,
    patch_path: null,
    relation_name: relationName(source.relation),
    created_at: createdAt,
    // The ingest config may hold credentials in URLs or headers; record only that it exists.
    ingest: source.ingest === undefined ? null : { configured: true },
  };
}

/** `models/staging/a.sql` → `staging/a.sql`: the path below the model path. */
function withoutFirstFolder(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? '' : file.slice(slash + 1);
}

function relationName(relation: RelationName): string {
  return `\`${relation.schema}\`.\`${relation.identifier}\``;
}

function compiledPath(project: Project, node: GraphNode): string {
  return [project.config.targetPath.replace(/\/+$/, ''), 'compiled', project.config.name, node.originalFilePath].join('/');
}

function columnsEntry(columns: Record<string, ColumnProperties>): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(columns).map((column) => [
      column.name,
      {
        name: column.name,
        description: column.description,
        meta: column.meta,
        data_type: column.dataType ?? null,
        constraints: (column.constraints ?? []).map((constraint) => constraintEntry(constraint, false)),
        quote: null,
        tags: column.tags,
      },
    ]),
  );
}

/**
 * A model's columns: those its YAML declares, and, once `tsdbt check` analyzed it, every output
 * column with its ClickHouse type (where the YAML gives none) and `lineage` (a tsdbt addition:
 * the upstream columns by unique id and kind, and what could not be traced).
 */
function modelColumnsEntry(node: ModelNode, lineage: ModelLineage | undefined): Record<string, unknown> {
  const entries = columnsEntry(node.columns) as Record<string, Record<string, unknown>>;
  if (lineage === undefined) return entries;
  for (const column of lineage.columns) {
    const declared = entries[column.name];
    const entry = declared ?? { name: column.name, description: '', meta: {}, data_type: null, constraints: [], quote: null, tags: [] };
    if (entry.data_type === null) entry.data_type = column.type;
    entry.lineage = { upstream: column.upstream, unknown: column.unknown };
    entries[column.name] = entry;
  }
  return entries;
}

function sha256(text: string): { name: 'sha256'; checksum: string } {
  return { name: 'sha256', checksum: createHash('sha256').update(text).digest('hex') };
}
