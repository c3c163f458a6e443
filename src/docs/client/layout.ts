/**
 * Lays out part of the lineage left to right with dagre (bundled into the page). No DOM, so it
 * is unit-tested in Node. dagre's best settings grow fast with the graph, so bigger graphs trade
 * some quality for time: a quicker ranker past FAST_RANKING_FROM nodes, and no crossing-reduction
 * sweeps past FAST_ORDERING_FROM (a 2,000-node lineage then lays out in seconds, not minutes).
 */
import dagre from '@dagrejs/dagre';
import type { SiteNode } from '../site-types.js';
import { displayName } from './site-model.js';

export const NODE_HEIGHT = 30;
export const FAST_RANKING_FROM = 150;
export const FAST_ORDERING_FROM = 800;

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
  const fastRanking = indexes.length > FAST_RANKING_FROM;
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, edgesep: 8, marginx: 20, marginy: 20, ranker: fastRanking ? 'tight-tree' : 'network-simplex' });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const index of indexes) {
    const label = displayName(nodes[index]!);
    graph.setNode(String(index), { width: nodeWidth(label), height: NODE_HEIGHT, label });
  }
  for (const index of indexes) {
    for (const parent of nodes[index]!.parents) if (included.has(parent)) graph.setEdge(String(parent), String(index));
  }
  dagre.layout(graph, { disableOptimalOrderHeuristic: indexes.length > FAST_ORDERING_FROM });
  const placed: PlacedNode[] = indexes.map((index) => {
    const label = graph.node(String(index)) as { x: number; y: number; width: number; height: number; label: string };
    return { index, label: label.label, x: label.x, y: label.y, width: label.width, height: label.height };
  });
  const byIndex = new Map(placed.map((one) => [one.index, one]));
  const edges: PlacedEdge[] = graph.edges().map((edge: { v: string; w: string }) => {
    const from = byIndex.get(Number(edge.v))!;
    const to = byIndex.get(Number(edge.w))!;
    // dagre ends an edge where the line to its nearest bend meets the box, often on its top or
    // bottom; a left-to-right lineage reads better leaving each box on the right and entering on the left.
    const bends = ((graph.edge(edge) as { points?: Array<{ x: number; y: number }> }).points ?? []).slice(1, -1);
    const inner = bends.filter((point) => point.x > from.x + from.width / 2 && point.x < to.x - to.width / 2);
    return {
      from: from.index,
      to: to.index,
      points: [{ x: from.x + from.width / 2, y: from.y }, ...inner.map((point) => ({ x: point.x, y: point.y })), { x: to.x - to.width / 2, y: to.y }],
    };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { nodes: placed, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
