import type { ProjectGraph } from './build-graph.js';

/**
 * Every cycle in the graph as a closed path of node ids (`[a, b, a]`), one per strongly
 * connected component, so the message can show the chain `a > b > a`.
 */
export function findCyclePaths(graph: ProjectGraph): string[][] {
  const suspects = nodesNotPeeled(graph);
  if (suspects.length === 0) return [];
  const components = stronglyConnected(graph, suspects).filter((component) => component.length > 1);
  // A one-node component is a cycle only when the node refers to itself.
  const selfLoops = suspects.filter((id) => graph.hasEdge(id, id)).map((id) => [id]);
  const seen = new Set(components.flat());
  const all = [...components, ...selfLoops.filter(([id]) => !seen.has(id!))];
  return all.map((component) => closedPath(graph, component)).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * Nodes that may be on a cycle: what is left after peeling off, again and again, every node
 * without parents (Kahn's topological sort). In a graph without cycles, which is every project
 * that loads, nothing is left: one pass over the edges instead of Tarjan's bookkeeping per
 * node, and test nodes, which have no children, never reach Tarjan at all.
 */
function nodesNotPeeled(graph: ProjectGraph): string[] {
  const waiting = new Map<string, number>();
  const ready: string[] = [];
  for (const id of graph.nodes()) {
    const count = graph.parentList(id).length;
    if (count === 0) ready.push(id);
    else waiting.set(id, count);
  }
  while (ready.length > 0) {
    for (const child of graph.childList(ready.pop()!)) {
      const left = waiting.get(child)! - 1;
      if (left === 0) {
        waiting.delete(child);
        ready.push(child);
      } else {
        waiting.set(child, left);
      }
    }
  }
  return [...waiting.keys()];
}

/**
 * Tarjan's strongly connected components (of the nodes in `among`, default all), with an
 * explicit stack instead of recursion: a chain of 50,000 models would overflow the call stack.
 */
export function stronglyConnected(graph: ProjectGraph, among?: readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const inside = among === undefined ? undefined : new Set(among);
  let counter = 0;
  for (const root of among ?? graph.nodes()) {
    if (index.has(root)) continue;
    const work: { id: string; children: readonly string[]; next: number }[] = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      const children = graph.childList(id);
      work.push({ id, children: inside === undefined ? children : children.filter((child) => inside.has(child)), next: 0 });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.children.length) {
        const child = frame.children[frame.next++]!;
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
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
