import { Graph } from '@dagrejs/graphlib';
import type { GraphNode } from './node.js';

export type ProjectGraph = Graph<unknown, GraphNode>;

/** A directed graph of nodes; edges go from a parent to the nodes that depend on it. */
export function buildGraph(nodes: Iterable<GraphNode>, parentsOf: (node: GraphNode) => readonly string[]): ProjectGraph {
  const graph = new Graph<unknown, GraphNode>({ directed: true });
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
