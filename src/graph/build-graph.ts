import type { GraphNode } from './node.js';

/**
 * A directed graph of nodes; edges go from a parent to the nodes that depend on it. The part of
 * graphlib's `Graph` API the project uses, on plain maps and arrays: a 50,000-model project has
 * hundreds of thousands of edges, and graphlib keys every edge by a concatenated string.
 * Neighbours are listed in the order their edges were added.
 */
export class ProjectGraph {
  private readonly labels = new Map<string, GraphNode>();
  private readonly parents = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private readonly edgeSet = new Set<string>();

  setNode(id: string, label: GraphNode): this {
    if (!this.labels.has(id)) {
      this.parents.set(id, []);
      this.children.set(id, []);
    }
    this.labels.set(id, label);
    return this;
  }

  hasNode(id: string): boolean {
    return this.labels.has(id);
  }

  node(id: string): GraphNode | undefined {
    return this.labels.get(id);
  }

  nodes(): string[] {
    return [...this.labels.keys()];
  }

  nodeCount(): number {
    return this.labels.size;
  }

  /** Adds the edge parent → child (once); both nodes must exist. */
  setEdge(parent: string, child: string): this {
    const key = `${parent}\u0000${child}`;
    if (this.edgeSet.has(key)) return this;
    this.edgeSet.add(key);
    this.children.get(parent)!.push(child);
    this.parents.get(child)!.push(parent);
    return this;
  }

  hasEdge(parent: string, child: string): boolean {
    return this.edgeSet.has(`${parent}\u0000${child}`);
  }

  edgeCount(): number {
    return this.edgeSet.size;
  }

  edges(): { v: string; w: string }[] {
    const out: { v: string; w: string }[] = [];
    for (const [parent, list] of this.children) for (const child of list) out.push({ v: parent, w: child });
    return out;
  }

  /** Parents of `id` (a copy), or undefined for an unknown node, as graphlib answers. */
  predecessors(id: string): string[] | undefined {
    return this.parents.get(id)?.slice();
  }

  /** Children of `id` (a copy), or undefined for an unknown node. */
  successors(id: string): string[] | undefined {
    return this.children.get(id)?.slice();
  }
}

export function buildGraph(nodes: Iterable<GraphNode>, parentsOf: (node: GraphNode) => readonly string[]): ProjectGraph {
  const graph = new ProjectGraph();
  const all = [...nodes];
  for (const node of all) graph.setNode(node.uniqueId, node);
  for (const node of all) {
    for (const parent of parentsOf(node)) {
      if (graph.hasNode(parent)) graph.setEdge(parent, node.uniqueId);
    }
  }
  return graph;
}

export function parentsIn(graph: ProjectGraph, id: string): string[] {
  return graph.predecessors(id) ?? [];
}

export function childrenIn(graph: ProjectGraph, id: string): string[] {
  return graph.successors(id) ?? [];
}
