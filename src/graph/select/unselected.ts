/**
 * What a selection of nothing selects: every enabled node of the kinds kept. Its own module, light,
 * so `tsdbt ls` without --select answered from manifest.json (tasks/ls-recorded.ts) loads no more
 * of selection than this; select-nodes.ts answers the same case with it.
 */

import type { GraphNode, ResourceType } from '../node.js';
import { graphNode, type SelectionGraph } from './selection-graph.js';

/** The nodes a selection picks from: the graph's enabled ones, in the graph's order. */
export function enabledMembers(graph: SelectionGraph): GraphNode[] {
  return graph
    .nodes()
    .map((id) => graphNode(graph, id))
    .filter((node) => node.config['enabled'] !== false);
}

/** The unique ids selected with no --select, --exclude or selector: the enabled nodes of `resourceTypes` (every kind when none). */
export function unselected(graph: SelectionGraph, resourceTypes: readonly ResourceType[] | undefined): Set<string> {
  const kinds = resourceTypes === undefined || resourceTypes.length === 0 ? undefined : new Set(resourceTypes);
  return new Set(
    enabledMembers(graph)
      .filter((node) => kinds === undefined || kinds.has(node.resourceType))
      .map((node) => node.uniqueId),
  );
}
