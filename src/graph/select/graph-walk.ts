/**
 * The graph operators: `N+x` (ancestors), `x+N` (descendants), `@x`.
 * Depth counts generations; null walks to the end. Start nodes are not part of the result
 * unless reached again, which a DAG never does.
 */

import { childrenOf, parentsOf, type SelectionGraph } from './selection-graph.js';

export function ancestors(graph: SelectionGraph, start: Iterable<string>, depth: number | null): Set<string> {
  return walk(start, depth, (id) => parentsOf(graph, id));
}

export function descendants(graph: SelectionGraph, start: Iterable<string>, depth: number | null): Set<string> {
  return walk(start, depth, (id) => childrenOf(graph, id));
}

/**
 * `@x`: x and its descendants, plus all ancestors of those, so that everything the descendants
 * need is built too (dbt's "childrens_parents").
 */
export function childrensParents(graph: SelectionGraph, start: ReadonlySet<string>): Set<string> {
  const down = new Set([...start, ...descendants(graph, start, null)]);
  return new Set([...down, ...ancestors(graph, down, null)]);
}

/** Breadth-first, one generation per round, so a depth limit counts the shortest path. */
function walk(start: Iterable<string>, depth: number | null, next: (id: string) => string[]): Set<string> {
  const reached = new Set<string>();
  let frontier = [...start];
  for (let generation = 0; frontier.length > 0 && (depth === null || generation < depth); generation += 1) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const neighbour of next(id)) {
        if (reached.has(neighbour)) continue;
        reached.add(neighbour);
        following.push(neighbour);
      }
    }
    frontier = following;
  }
  return reached;
}
