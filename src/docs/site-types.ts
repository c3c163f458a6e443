/**
 * The data the docs site reads, shared by the generator (Node) and the page script (browser).
 * Pure types: nothing here may import Node or DOM APIs.
 *
 * The site loads one small graph file up front (every node with what selectors, search and
 * the lineage need) and each node's details (SQL, columns, description) in chunks, only when
 * a page shows them. Both are `<script>` files that call a global, so the site also works
 * opened straight from disk (file://), where fetch() of local JSON is blocked.
 */

import type { GraphNode } from '../graph/node.js';

/** Global the graph file calls: `window.tsdbtDocsGraph({...})`. */
export const GRAPH_CALLBACK = 'tsdbtDocsGraph';
/** Global each detail chunk calls: `window.tsdbtDocsChunk(n, [...])`. */
export const CHUNK_CALLBACK = 'tsdbtDocsChunk';

/** Paths inside the target folder. */
export const SITE_PATHS = {
  index: 'index.html',
  folder: 'docs',
  script: 'docs/tsdbt-docs.js',
  style: 'docs/tsdbt-docs.css',
  graph: 'docs/data/graph.js',
  chunk: (n: number) => `docs/data/nodes-${String(n).padStart(4, '0')}.js`,
} as const;

export type LastRunStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'runtime error' | string;

export interface SiteLastRun {
  status: LastRunStatus;
  /** Seconds. */
  executionTime: number;
  message: string | null;
  /** When the run finished (run_results.json's generated_at). */
  at: string;
}

/**
 * One node as the graph file carries it: what selection, search, the tree and the lineage need.
 * The GraphNode fields are there so the page runs the CLI's selection code on these nodes as they are.
 */
export interface SiteNode extends Omit<GraphNode, 'checksum'> {
  /** `materialized` for models; the resource type (`source`, `seed`, `test`) for the rest. */
  kind: string;
  /** Database and table or view name. */
  schema: string;
  identifier: string;
  /** Indexes of parent nodes in `SiteGraph.nodes`. */
  parents: number[];
  /** Detail chunk holding this node's page data. */
  chunk: number;
  /** First line of the description (plain text), for tooltips and lists. */
  summary: string;
  lastRun?: SiteLastRun;
}

export interface SiteGraph {
  project: {
    name: string;
    tsdbtVersion: string;
    generatedAt: string;
    invocationId: string;
    target: { name: string; type: string; schema: string };
    /** The `__overview__` doc block (Markdown), when the project has one. */
    overview: string | null;
    /** The run_results.json the statuses come from. */
    lastRun: { at: string; elapsedSeconds: number | null; command: string | null } | null;
    /** Why the catalog is empty, when it is (`--empty-catalog`, or a database that could not be read). */
    catalogNote: string | null;
  };
  nodes: SiteNode[];
  chunkCount: number;
}

export interface SiteColumn {
  name: string;
  /** Type in the database (catalog); undefined when the relation or column is not there. */
  type?: string;
  /** Type declared in the YAML properties (`data_type`). */
  declaredType?: string;
  description: string;
  tags: string[];
  tests: string[];
  /** Documented in YAML but not found in the database relation. */
  missingInDatabase?: boolean;
  /** The type `tsdbt check` found (the model's real output type, before anything was built). */
  checkedType?: string;
  /** From `tsdbt check`: the columns this one is computed from, one hop (the site walks further on a click). */
  lineage?: SiteColumnLineage;
}

export interface SiteColumnLineage {
  /** `node` is a unique id (or `database.table` outside the project); `kind` as in `tsdbt lineage`. */
  upstream: { node: string; column: string; kind: string }[];
  /** What the engine could not trace. */
  unknown: string[];
}

export interface SiteNodeDetails {
  uniqueId: string;
  /** Markdown (doc blocks already substituted). */
  description: string;
  /** Sources: the description of the whole source. */
  sourceDescription?: string;
  columns: SiteColumn[];
  rawSql?: string;
  compiledSql?: string;
  /** Why there is no compiled SQL (a compile error), when there is none. */
  compileError?: string;
  meta: Record<string, unknown>;
  patchPath?: string;
  /** Tests: what a generic test checks, and on which node and column. */
  testMetadata?: { name: string; namespace: string | null; kwargs: Record<string, unknown> };
  attachedNode?: string;
  columnName?: string;
  /** What the database says about the relation (catalog). */
  relation?: { engine: string; exists: boolean };
  loadedAtField?: string;
  ingest?: boolean;
  /** Exposures: where the dashboard or application is, how mature, who owns it. */
  url?: string;
  maturity?: string;
  owner?: string;
}
