/**
 * The column lineage of a checked model, in the scratch session `tsdbt check` built: the model's
 * compiled SELECT is given to the analyzer (`EXPLAIN QUERY TREE`) over the shadow tables, and the
 * tables it resolved each column to are mapped back to the project's models, seeds and sources.
 */
import type { Project } from '../compile/load-project.js';
import type { ModelNode } from '../compile/nodes.js';
import { CTE_PREFIX } from '../compile/ephemeral.js';
import { currentLineage, updateLineageFile } from '../artifacts/lineage-file.js';
import { writeManifestArtifact } from '../artifacts/write-artifacts.js';
import type { ColumnLineage, ModelLineage } from '../graph/lineage/column-graph.js';
import { queryLineage } from '../graph/lineage/query-lineage.js';
import type { TreeLine } from '../graph/lineage/query-tree.js';

/** How the query tree names the project's relations: `database.table` and ephemeral CTE names, to unique ids. */
export interface RelationIndex {
  tables: Map<string, string>;
  ctes: Map<string, string>;
}

export function relationIndex(project: Project): RelationIndex {
  const tables = new Map<string, string>();
  const ctes = new Map<string, string>();
  for (const node of [...project.sources.values(), ...project.seeds.values(), ...project.models.values()]) {
    if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') ctes.set(`${CTE_PREFIX}${node.name}`, node.uniqueId);
    else tables.set(`${node.relation.schema}.${node.relation.identifier}`, node.uniqueId);
  }
  return { tables, ctes };
}

/** The model's lineage read from its query tree (as printed, or parsed), or why it could not be read (as one line). */
export function lineageOfTree(text: string | readonly TreeLine[], node: ModelNode, index: RelationIndex): ModelLineage | string {
  let traced: ReturnType<typeof queryLineage>;
  try {
    traced = queryLineage(text, { cteTables: index.ctes });
  } catch (error) {
    // A query tree printed in a shape this version does not read: no lineage, said, rather than a failed check.
    return `the query tree could not be read: ${(error as Error).message}`;
  }
  const columns = traced.map(
    (column): ColumnLineage => ({
      name: column.name,
      type: column.type,
      upstream: column.upstream
        .map((input) => ({ node: index.tables.get(input.table) ?? input.table, column: input.column, kind: input.kind }))
        .sort((a, b) => (a.node === b.node ? compareText(a.column, b.column) : compareText(a.node, b.node))),
      unknown: column.unknown,
    }),
  );
  return { checksum: node.checksum ?? '', columns };
}

/**
 * Writes what this check learnt to target/lineage.json (checked models replace their entry, failed
 * ones lose it), sets `project.run.columnLineage` to the up-to-date entries, and writes manifest.json
 * with them, so the checked columns and their lineage are there before anything was built.
 */
export function recordLineage(project: Project, checked: Iterable<ModelCheckLike>): void {
  const entries = new Map<string, ModelLineage | undefined>();
  for (const model of checked) {
    if (model.status !== 'ok' || model.lineage === undefined) entries.set(model.uniqueId, undefined);
    else if (typeof model.lineage !== 'string') entries.set(model.uniqueId, model.lineage);
    else {
      const reason = model.lineage;
      const columns = model.columns.map((column) => ({ ...column, upstream: [], unknown: [reason] }));
      entries.set(model.uniqueId, { checksum: project.models.get(model.uniqueId)?.checksum ?? '', columns, unknown: reason });
    }
  }
  project.run.columnLineage = currentLineage(project, updateLineageFile(project, entries));
  writeManifestArtifact(project);
}

interface ModelCheckLike {
  uniqueId: string;
  status: string;
  columns: { name: string; type: string }[];
  lineage?: ModelLineage | string | undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
