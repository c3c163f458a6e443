/**
 * Lays out part of the lineage left to right with dagre (bundled into the page). No DOM, so it
 * is unit-tested in Node. Big graphs switch to dagre's faster ranker and skip its costly
 * crossing-reduction pass: a 1,000-node lineage lays out in about a second instead of ten.
 */
import dagre from '@dagrejs/dagre';
import type { SiteNode } from '../site-types.js';
import { displayName } from './site-model.js';

export const NODE_HEIGHT = 30;
/** Above this many nodes, the fast settings are used. */
export const FAST_LAYOUT_FROM = 150;

export interface PlacedNode {
  index: number;
  label: string;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: number;
  to: number;
  points: Array<{ x: number; y: number }>;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Width of a node box for its label: about 7.4 px per character at the bold 12 px font, plus the stripe, padding and status dot. */
export function nodeWidth(label: string): number {
  return Math.round(Math.min(300, Math.max(90, label.length * 7.4 + 44)));
}

/** Places the nodes at `indexes` (of `nodes`) and the edges between them. */
export function layoutLineage(nodes: readonly SiteNode[], indexes: readonly number[]): Layout {
  const included = new Set(indexes);
  const fast = indexes.length > FAST_LAYOUT_FROM;
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, edgesep: 8, marginx: 20, marginy: 20, ranker: fast ? 'tight-tree' : 'network-simplex' });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const index of indexes) {
    const label = displayName(nodes[index]!);
    graph.setNode(String(index), { width: nodeWidth(label), height: NODE_HEIGHT, label });
  }
  for (const index of indexes) {
    for (const parent of nodes[index]!.parents) if (included.has(parent)) graph.setEdge(String(parent), String(index));
  }
  dagre.layout(graph, { disableOptimalOrderHeuristic: fast });
  const placed: PlacedNode[] = indexes.map((index) => {
    const label = graph.node(String(index)) as { x: number; y: number; width: number; height: number; label: string };
    return { index, label: label.label, x: label.x, y: label.y, width: label.width, height: label.height };
  });
  const edges: PlacedEdge[] = graph.edges().map((edge: { v: string; w: string }) => ({
    from: Number(edge.v),
    to: Number(edge.w),
    points: ((graph.edge(edge) as { points?: Array<{ x: number; y: number }> }).points ?? []).map((point) => ({ x: point.x, y: point.y })),
  }));
  const size = graph.graph() as { width?: number; height?: number };
  return { nodes: placed, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
