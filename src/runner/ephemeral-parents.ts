import type { Project } from '../compile/load-project.js';
import { parentsIn } from '../graph/build-graph.js';

/**
 * The graph parents of `id`, with each ephemeral model replaced by its own parents (recursively):
 * an ephemeral model is inlined into the models that ref it, so what it reads must be built
 * before them, though the ephemeral model itself is never scheduled.
 */
export function parentsThroughEphemerals(project: Project, id: string): string[] {
  const parents = new Set<string>();
  const seen = new Set<string>();
  const stack = [...parentsIn(project.graph, id)];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    if (seen.has(parent)) continue;
    seen.add(parent);
    if (project.nodes.get(parent)?.config.materialized === 'ephemeral') stack.push(...parentsIn(project.graph, parent));
    else parents.add(parent);
  }
  return [...parents];
}
