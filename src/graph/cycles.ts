import type { ProjectGraph } from './build-graph.js';

/**
 * Every cycle in the graph as a closed path of node ids (`[a, b, a]`), one per strongly
 * connected component, so the message can show the chain `a > b > a`.
 */
export function findCyclePaths(graph: ProjectGraph): string[][] {
  const components = stronglyConnected(graph).filter((component) => component.length > 1);
  // A one-node component is a cycle only when the node refers to itself.
  const selfLoops = graph.nodes().filter((id) => graph.hasEdge(id, id)).map((id) => [id]);
  const seen = new Set(components.flat());
  const all = [...components, ...selfLoops.filter(([id]) => !seen.has(id!))];
  return all.map((component) => closedPath(graph, component)).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * Tarjan's strongly connected components, with an explicit stack instead of recursion: a chain
 * of 50,000 models would overflow the call stack.
 */
export function stronglyConnected(graph: ProjectGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of graph.nodes()) {
    if (index.has(root)) continue;
    const work: { id: string; children: string[]; next: number }[] = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, children: graph.successors(id) ?? [], next: 0 });
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
