import { alg } from '@dagrejs/graphlib';
import type { ProjectGraph } from './build-graph.js';

/**
 * Every cycle in the graph as a closed path of node ids (`[a, b, a]`), one per strongly
 * connected component, so the message can show the chain `a > b > a`.
 */
export function findCyclePaths(graph: ProjectGraph): string[][] {
  const components = alg.findCycles(graph as unknown as Parameters<typeof alg.findCycles>[0]);
  // findCycles misses self-loops only when the component has one node: check those too.
  const selfLoops = graph.nodes().filter((id) => graph.hasEdge(id, id)).map((id) => [id]);
  const seen = new Set(components.flat());
  const all = [...components, ...selfLoops.filter(([id]) => !seen.has(id!))];
  return all.map((component) => closedPath(graph, component)).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function closedPath(graph: ProjectGraph, component: string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  // Breadth-first from start's children back to start: the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue: string[] = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of graph.successors(current) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        let step: string | undefined = current;
        while (step !== undefined && step !== start) {
          path.push(step);
          step = previous.get(step);
        }
        path.push(start);
        // path is start, …reversed…, start: put it in edge order.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return [...component, component[0]!];
}
