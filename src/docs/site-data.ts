import type { Project } from '../compile/load-project.js';
import type { ColumnProperties, ProjectNode, UnitTestNode } from '../compile/nodes.js';
import { isModel } from '../compile/nodes.js';
import { compiledSqlOf } from '../compile/run-state.js';
import { parentsIn } from '../graph/build-graph.js';
import type { ModelLineage } from '../graph/lineage/column-graph.js';
import { TSDBT_VERSION } from '../version.js';
import { relationKey, type Catalog, type CatalogRelation } from './catalog.js';
import type { LastRunResults } from './run-results-file.js';
import type { SiteColumn, SiteGraph, SiteNode, SiteNodeDetails } from './site-types.js';

/** Nodes per detail chunk: a page loads one chunk, so this bounds what opening a page costs. */
export const CHUNK_SIZE = 200;

export interface SiteDataInput {
  project: Project;
  catalog: Catalog;
  /** Why the catalog is empty on purpose (`--empty-catalog`). */
  catalogNote?: string;
  lastRun?: LastRunResults;
  /** Compile errors by model id: those models get no compiled SQL, the page says why. */
  compileErrors?: Map<string, string>;
  generatedAt?: Date;
}

export interface SiteData {
  graph: SiteGraph;
  chunks: SiteNodeDetails[][];
}

/** Everything the site shows, from the parsed project, the catalog and the last run. Pure. */
export function buildSiteData(input: SiteDataInput): SiteData {
  const { project, catalog } = input;
  // Unit tests have no relation and no place in the lineage graph (dbt's docs site leaves them out too).
  const ordered = ([...project.nodes.values()].filter((node) => node.resourceType !== 'unit_test') as SiteProjectNode[]).sort(
    (a, b) => typeOrder(a) - typeOrder(b) || a.uniqueId.localeCompare(b.uniqueId),
  );
  const indexOf = new Map(ordered.map((node, index) => [node.uniqueId, index]));
  const nodes: SiteNode[] = [];
  const chunks: SiteNodeDetails[][] = [];
  ordered.forEach((node, index) => {
    const chunk = Math.floor(index / CHUNK_SIZE);
    // An exposure (a dashboard, a notebook…) is no relation of the database.
    const named = node.resourceType === 'exposure' ? { schema: '', identifier: node.name } : node.relation;
    const relation = node.resourceType === 'exposure' ? undefined : catalog.relations.get(relationKey(named.schema, named.identifier));
    const run = input.lastRun?.byId.get(node.uniqueId);
    nodes.push({
      uniqueId: node.uniqueId,
      name: node.name,
      resourceType: node.resourceType,
      packageName: node.packageName,
      fqn: node.fqn,
      originalFilePath: node.originalFilePath,
      tags: node.tags,
      config: node.config,
      ...(node.resourceType === 'source' ? { sourceName: node.sourceName } : {}),
      kind: isModel(node) ? String(node.config.materialized ?? 'view') : node.resourceType,
      schema: named.schema,
      identifier: named.identifier,
      parents: parentsIn(project.graph, node.uniqueId)
        .map((id) => indexOf.get(id))
        .filter((parent): parent is number => parent !== undefined)
        .sort((a, b) => a - b),
      chunk,
      summary: summaryOf(node.description),
      ...(run === undefined || input.lastRun === undefined
        ? {}
        : { lastRun: { status: run.status, executionTime: run.executionTime, message: run.message, at: input.lastRun.at } }),
    });
    (chunks[chunk] ??= []).push(
      detailsOf(node, relation, input.compileErrors?.get(node.uniqueId), compiledSqlOf(project, node), project.run.columnLineage?.get(node.uniqueId)),
    );
  });
  const lastRun = input.lastRun;
  return {
    graph: {
      project: {
        name: project.config.name,
        tsdbtVersion: TSDBT_VERSION,
        generatedAt: (input.generatedAt ?? new Date()).toISOString(),
        invocationId: project.invocationId,
        target: { name: project.target.name, type: project.target.type, schema: project.target.schema },
        overview: project.docs.get('__overview__') ?? null,
        lastRun: lastRun === undefined ? null : { at: lastRun.at, elapsedSeconds: lastRun.elapsedSeconds, command: lastRun.command },
        catalogNote: input.catalogNote ?? (catalog.errors.length > 0 ? catalog.errors.join(' ') : null),
      },
      nodes,
      chunkCount: chunks.length,
    },
    chunks,
  };
}

const TYPE_ORDER: Record<string, number> = { source: 0, seed: 1, model: 2, snapshot: 3, test: 4, analysis: 5 };

type SiteProjectNode = Exclude<ProjectNode, UnitTestNode>;

function typeOrder(node: ProjectNode): number {
  return TYPE_ORDER[node.resourceType] ?? 5;
}

function detailsOf(
  node: SiteProjectNode,
  relation: CatalogRelation | undefined,
  compileError: string | undefined,
  compiledSql: string | undefined,
  lineage: ModelLineage | undefined,
): SiteNodeDetails {
  const common: SiteNodeDetails = {
    uniqueId: node.uniqueId,
    description: node.description,
    columns: 'columns' in node ? withLineage(columnsOf(node.columns, relation), lineage) : [],
    meta: node.meta,
    ...(relation === undefined ? {} : { relation: { engine: relation.engine, exists: true } }),
    ...(compileError === undefined ? {} : { compileError }),
  };
  switch (node.resourceType) {
    case 'model':
    case 'snapshot':
    case 'analysis':
      return { ...common, rawSql: node.rawSql, ...optional({ compiledSql, patchPath: node.patchPath }) };
    case 'test':
      return {
        ...common,
        rawSql: node.rawSql,
        ...optional({ compiledSql, columnName: node.columnName, attachedNode: node.attachedNode }),
        ...(node.testMetadata === undefined
          ? {}
          : { testMetadata: { name: node.testMetadata.name, namespace: node.testMetadata.namespace, kwargs: node.testMetadata.kwargs } }),
      };
    case 'seed':
      return { ...common, ...optional({ patchPath: node.patchPath }) };
    case 'source':
      return { ...common, sourceDescription: node.sourceDescription, ...optional({ loadedAtField: node.loadedAtField }), ingest: node.ingest !== undefined };
    case 'exposure':
      return { ...common, ...optional({ url: node.url, maturity: node.maturity, owner: node.owner.name ?? node.owner.email }) };
  }
}

/** The columns with what `tsdbt check` found: each one's lineage and type, and checked columns nothing else names. */
export function withLineage(columns: SiteColumn[], lineage: ModelLineage | undefined): SiteColumn[] {
  if (lineage === undefined) return columns;
  const byName = new Map(columns.map((column) => [column.name, column]));
  for (const checked of lineage.columns) {
    let column = byName.get(checked.name);
    if (column === undefined) {
      column = { name: checked.name, description: '', tags: [], tests: [] };
      columns.push(column);
    }
    column.checkedType = checked.type;
    column.lineage = { upstream: checked.upstream.map((input) => ({ ...input })), unknown: checked.unknown };
  }
  return columns;
}

/** The defined entries only (the site data is JSON: no `undefined` values). */
function optional<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The relation's columns in database order, with what the YAML says about each; then columns
 * documented in YAML that the database does not have (flagged, when the relation exists).
 */
export function columnsOf(documented: Record<string, ColumnProperties>, relation: CatalogRelation | undefined): SiteColumn[] {
  const byName = new Map(Object.values(documented).map((column) => [column.name.toLowerCase(), column]));
  const seen = new Set<string>();
  const columns: SiteColumn[] = [];
  for (const actual of relation?.columns ?? []) {
    const doc = byName.get(actual.name.toLowerCase());
    seen.add(actual.name.toLowerCase());
    columns.push({
      name: actual.name,
      type: actual.type,
      ...(doc?.dataType === undefined ? {} : { declaredType: doc.dataType }),
      description: doc?.description || actual.comment,
      tags: doc?.tags ?? [],
      tests: (doc?.tests ?? []).map(testName),
    });
  }
  for (const doc of Object.values(documented)) {
    if (seen.has(doc.name.toLowerCase())) continue;
    columns.push({
      name: doc.name,
      ...(doc.dataType === undefined ? {} : { declaredType: doc.dataType }),
      description: doc.description,
      tags: doc.tags,
      tests: doc.tests.map(testName),
      ...(relation === undefined ? {} : { missingInDatabase: true }),
    });
  }
  return columns;
}

/** `unique` → `unique`; `{accepted_values: {...}}` → `accepted_values`. */
function testName(test: unknown): string {
  if (typeof test === 'string') return test;
  if (typeof test === 'object' && test !== null) return Object.keys(test)[0] ?? 'test';
  return String(test);
}

/** The first sentence-ish line of a Markdown description, as plain text. */
export function summaryOf(description: string): string {
  const line =
    description
      .split('\n')
      .map((one) => one.trim())
      .find((one) => one !== '' && !one.startsWith('#')) ?? '';
  const plain = line.replace(/[*_`>]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}
