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
  /**
   * Parents as a set, only for nodes with many: a repeated edge is found by scanning the
   * parent list, which for the usual handful is cheaper than a set of `parent + child` keys
   * (a 100-character string built and hashed per edge).
   */
  private readonly parentSets = new Map<string, Set<string>>();
  private edgeTotal = 0;

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
    const parents = this.parents.get(child)!;
    const children = this.children.get(parent)!;
    if (this.listsParent(child, parents, parent)) return this;
    children.push(child);
    parents.push(parent);
    this.parentSets.get(child)?.add(parent);
    this.edgeTotal += 1;
    return this;
  }

  hasEdge(parent: string, child: string): boolean {
    const parents = this.parents.get(child);
    return parents !== undefined && this.listsParent(child, parents, parent);
  }

  private listsParent(child: string, parents: string[], parent: string): boolean {
    if (parents.length < MANY_PARENTS) return parents.includes(parent);
    let set = this.parentSets.get(child);
    if (set === undefined) this.parentSets.set(child, (set = new Set(parents)));
    return set.has(parent);
  }

  edgeCount(): number {
    return this.edgeTotal;
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

  /** Children of `id` without the copy, for walks over the whole graph; empty for an unknown node. */
  childList(id: string): readonly string[] {
    return this.children.get(id) ?? NONE;
  }

  /** Parents of `id` without the copy; empty for an unknown node. */
  parentList(id: string): readonly string[] {
    return this.parents.get(id) ?? NONE;
  }
}

/** From this many parents on, a node's parents are also kept in a set. */
const MANY_PARENTS = 16;
const NONE: readonly string[] = Object.freeze([]);

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
