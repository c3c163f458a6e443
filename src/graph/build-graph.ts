import { trimmed } from '../core/trimmed.js';
import type { GraphNode } from './node.js';

/**
 * A directed graph of nodes; edges go from a parent to the nodes that depend on it. The part of
 * graphlib's `Graph` API the project uses, on plain maps and arrays: a 50,000-model project has
 * hundreds of thousands of edges, and graphlib keys every edge by a concatenated string.
 * Neighbours are listed in the order their edges were added.
 */
export class ProjectGraph {
  /** One entry per node, so an edge costs one lookup per end rather than one per map. */
  private readonly entries = new Map<string, NodeEntry>();
  private edgeTotal = 0;

  setNode(id: string, label: GraphNode): this {
    const entry = this.entries.get(id);
    if (entry === undefined) this.entries.set(id, { label, parents: [], children: [], parentSet: undefined });
    else entry.label = label;
    return this;
  }

  hasNode(id: string): boolean {
    return this.entries.has(id);
  }

  node(id: string): GraphNode | undefined {
    return this.entries.get(id)?.label;
  }

  nodes(): string[] {
    return [...this.entries.keys()];
  }

  nodeCount(): number {
    return this.entries.size;
  }

  /** Adds the edge parent → child (once); both nodes must exist. */
  setEdge(parent: string, child: string): this {
    this.link(this.entries.get(parent)!, parent, this.entries.get(child)!, child);
    return this;
  }

  /** Adds an edge from each of `parents` that is in the graph to `child`, an existing node. */
  setParents(child: string, parents: readonly string[]): this {
    const childEntry = this.entries.get(child)!;
    for (const parent of parents) {
      const parentEntry = this.entries.get(parent);
      if (parentEntry !== undefined) this.link(parentEntry, parent, childEntry, child);
    }
    return this;
  }

  private link(parentEntry: NodeEntry, parent: string, childEntry: NodeEntry, child: string): void {
    if (listsParent(childEntry, parent)) return;
    if (parentEntry.children === NO_EDGES) parentEntry.children = [];
    if (childEntry.parents === NO_EDGES) childEntry.parents = [];
    parentEntry.children.push(child);
    childEntry.parents.push(parent);
    childEntry.parentSet?.add(parent);
    this.edgeTotal += 1;
  }

  /**
   * Keeps each node's parent and child lists at their exact size (see core/trimmed.ts), and the
   * empty ones as one shared list (most nodes of a project are tests, which have no children);
   * edges may still be added.
   */
  trim(): void {
    for (const entry of this.entries.values()) {
      entry.parents = entry.parents.length === 0 ? NO_EDGES : trimmed(entry.parents);
      entry.children = entry.children.length === 0 ? NO_EDGES : trimmed(entry.children);
    }
  }

  hasEdge(parent: string, child: string): boolean {
    const entry = this.entries.get(child);
    return entry !== undefined && listsParent(entry, parent);
  }

  edgeCount(): number {
    return this.edgeTotal;
  }

  edges(): { v: string; w: string }[] {
    const out: { v: string; w: string }[] = [];
    for (const [parent, entry] of this.entries) for (const child of entry.children) out.push({ v: parent, w: child });
    return out;
  }

  /** Parents of `id` (a copy), or undefined for an unknown node, as graphlib answers. */
  predecessors(id: string): string[] | undefined {
    return this.entries.get(id)?.parents.slice();
  }

  /** Children of `id` (a copy), or undefined for an unknown node. */
  successors(id: string): string[] | undefined {
    return this.entries.get(id)?.children.slice();
  }

  /** Children of `id` without the copy, for walks over the whole graph; empty for an unknown node. */
  childList(id: string): readonly string[] {
    return this.entries.get(id)?.children ?? NONE;
  }

  /** Parents of `id` without the copy; empty for an unknown node. */
  parentList(id: string): readonly string[] {
    return this.entries.get(id)?.parents ?? NONE;
  }
}

interface NodeEntry {
  label: GraphNode;
  parents: string[];
  children: string[];
  /**
   * The parents as a set, only for nodes with many: a repeated edge is found by scanning the
   * parent list, which for the usual handful is cheaper than a set of `parent + child` keys
   * (a 100-character string built and hashed per edge).
   */
  parentSet: Set<string> | undefined;
}

/** From this many parents on, a node's parents are also kept in a set. */
const MANY_PARENTS = 16;
const NONE: readonly string[] = Object.freeze([]);
/** The empty list trimmed entries share; `link` gives an entry its own list before adding to it. */
const NO_EDGES = NONE as string[];

function listsParent(entry: NodeEntry, parent: string): boolean {
  if (entry.parents.length < MANY_PARENTS) return entry.parents.includes(parent);
  entry.parentSet ??= new Set(entry.parents);
  return entry.parentSet.has(parent);
}

export function buildGraph(nodes: Iterable<GraphNode>, parentsOf: (node: GraphNode) => readonly string[]): ProjectGraph {
  const graph = new ProjectGraph();
  const all = [...nodes];
  for (const node of all) graph.setNode(node.uniqueId, node);
  for (const node of all) graph.setParents(node.uniqueId, parentsOf(node));
  graph.trim();
  return graph;
}

export function parentsIn(graph: ProjectGraph, id: string): string[] {
  return graph.predecessors(id) ?? [];
}

export function childrenIn(graph: ProjectGraph, id: string): string[] {
  return graph.successors(id) ?? [];
}
