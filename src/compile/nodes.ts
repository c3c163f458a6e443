import type { IngestConfig } from '../ingest/ingest-config.js';
import type { GraphNode } from '../graph/node.js';

export interface ColumnProperties {
  name: string;
  description: string;
  dataType: string | undefined;
  meta: Record<string, unknown>;
  tags: string[];
  /** Generic tests declared on the column, as written (`unique`, `{accepted_values: {values: [...]}}`). */
  tests: unknown[];
}

/** Where a node's relation lives: a dbt "schema" is a ClickHouse database. */
export interface RelationName {
  schema: string;
  identifier: string;
}

export interface RefCall {
  name: string;
  packageName: string | undefined;
  line: number | undefined;
}

export interface SourceCall {
  source: string;
  table: string;
  line: number | undefined;
}

export interface ModelNode extends GraphNode {
  resourceType: 'model';
  rawSql: string;
  /** Filled by compile (the run-time render). */
  compiledSql: string | undefined;
  refs: RefCall[];
  sourceCalls: SourceCall[];
  dependsOn: { nodes: string[]; macros: string[] };
  relation: RelationName;
  description: string;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  /** The YAML file describing this model, if any. */
  patchPath: string | undefined;
  /** Tests declared on the model (not on a column). */
  tests: unknown[];
}

export interface SourceNode extends GraphNode {
  resourceType: 'source';
  sourceName: string;
  relation: RelationName;
  description: string;
  sourceDescription: string;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  loadedAtField: string | undefined;
  /** The raw `ingest:` mapping (Jinja rendered). */
  ingest: Record<string, unknown> | undefined;
  /** The same, validated (set by loadProject). */
  ingestConfig?: IngestConfig | undefined;
  /** Line of the table entry in its YAML file. */
  line: number | undefined;
  tests: unknown[];
}

export type ProjectNode = ModelNode | SourceNode;

export function isModel(node: GraphNode): node is ModelNode {
  return node.resourceType === 'model';
}

export function isSource(node: GraphNode): node is SourceNode {
  return node.resourceType === 'source';
}
