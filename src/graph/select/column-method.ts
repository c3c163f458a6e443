/**
 * `column:<model>.<column>` (or `column:<source>.<table>.<column>`): the node that has the column;
 * with `+` (or `+N`), the models with a column computed from it, found through column lineage
 * rather than the model graph, so a CI job builds only what a column change touches. The lineage
 * is what `tsdbt check` last derived (target/lineage.json); an out-of-date answer is an error,
 * never a silent guess.
 */
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import { modelsDownstreamOfColumn, type ProjectLineage } from '../lineage/column-graph.js';
import type { GraphNode } from '../node.js';
import type { SelectionCriteria } from './expression.js';
import { descendants } from './graph-walk.js';
import type { SelectionGraph } from './selection-graph.js';

export interface ColumnLineageContext {
  lineage: ProjectLineage;
  /** Models whose lineage is missing or out of date. */
  stale: ReadonlySet<string>;
}

/** The column a node holds for `value`, when the node is the one `value` names. */
export function columnOf(node: GraphNode, value: string): string | undefined {
  const parts = value.split('.');
  if ((node.resourceType === 'model' || node.resourceType === 'seed') && node.name === parts[0]) return parts.slice(1).join('.');
  const sourceName = (node as GraphNode & { sourceName?: string }).sourceName;
  if (node.resourceType === 'source' && parts.length >= 3 && sourceName === parts[0] && node.name === parts[1]) return parts.slice(2).join('.');
  return undefined;
}

/** The models downstream of the column of each picked node, checking first that the lineage they need is up to date. */
export function columnDescendants(
  criteria: SelectionCriteria,
  picked: readonly GraphNode[],
  graph: SelectionGraph,
  context: ColumnLineageContext | undefined,
): Set<string> {
  if (context === undefined) throw noLineage(criteria);
  const found = new Set<string>();
  for (const node of picked) {
    const column = columnOf(node, criteria.value)!;
    const needed = [node.uniqueId, ...descendants(graph, [node.uniqueId], null)].filter((id) => context.stale.has(id));
    if (needed.length > 0) throw outOfDate(criteria, node, needed);
    const entry = context.lineage.get(node.uniqueId);
    if (entry !== undefined && !entry.columns.some((candidate) => candidate.name === column)) {
      throw new TsdbtError({
        code: ErrorCodes.LINEAGE_COLUMN_UNKNOWN,
        message: `The selector '${criteria.raw}' names column '${column}', which model '${node.name}' does not have (it has ${entry.columns.map((candidate) => candidate.name).join(', ')}).`,
        hint: 'Check the spelling of the column.',
      });
    }
    for (const id of modelsDownstreamOfColumn(context.lineage, node.uniqueId, column, criteria.childrenDepth)) found.add(id);
  }
  return found;
}

function noLineage(criteria: SelectionCriteria): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.LINEAGE_OUT_OF_DATE,
    message: `The selector '${criteria.raw}' needs column lineage, which this command was not given.`,
    hint: 'Run `tsdbt check` first: it writes the column lineage to target/lineage.json.',
  });
}

function outOfDate(criteria: SelectionCriteria, node: GraphNode, ids: readonly string[]): TsdbtError {
  const names = ids.map((id) => id.split('.').slice(2).join('.'));
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  return new TsdbtError({
    code: ErrorCodes.LINEAGE_OUT_OF_DATE,
    message: `The selector '${criteria.raw}' needs the column lineage of ${shown}, which target/lineage.json does not have up to date (changed or not checked since the last \`tsdbt check\`).`,
    hint: `Run \`tsdbt check --select ${node.resourceType === 'source' ? `source:${criteria.value.split('.').slice(0, 2).join('.')}` : node.name}+\` first.`,
  });
}
