/** Draws a laid-out lineage as SVG, with zoom (wheel, buttons), pan (drag) and hover highlighting. */
import type { SiteNode } from '../site-types.js';
import { h, svg } from './dom.js';
import type { Layout, PlacedNode } from './layout.js';
import { wireNodeEvents } from './node-events.js';
import { type PanZoom, panZoom } from './pan-zoom.js';
import type { SiteModel } from './site-model.js';

export interface GraphViewOptions {
  model: SiteModel;
  layout: Layout;
  /** Node to mark (the page's own node in a neighbourhood view). */
  focus?: number | undefined;
  onOpen: (node: SiteNode) => void;
}

export interface GraphView extends PanZoom {
  element: HTMLElement;
}

let markerCount = 0;

export function graphView(options: GraphViewOptions): GraphView {
  const { model, layout, focus } = options;
  const markerId = `tsdbt-arrow-${++markerCount}`;
  const placedByIndex = new Map<number, PlacedNode>(layout.nodes.map((node) => [node.index, node]));

  const edgeElements = layout.edges.map((edge) =>
    svg('path', {
      class: 'edge',
      d: edgePath(edge.points),
      'marker-end': `url(#${markerId})`,
      'data-from': model.nodes[edge.from]!.uniqueId,
      'data-to': model.nodes[edge.to]!.uniqueId,
    }),
  );
  const nodeElements = new Map<number, SVGGElement>();
  for (const placed of layout.nodes) nodeElements.set(placed.index, nodeGroup(model.nodes[placed.index]!, placed, placed.index === focus));

  const viewport = svg('g', { class: 'viewport' }, svg('g', { class: 'edges' }, edgeElements), svg('g', { class: 'nodes' }, [...nodeElements.values()]));
  const root = svg(
    'svg',
    { class: 'lineage-svg', role: 'img', 'aria-label': `Lineage of ${layout.nodes.length} nodes` },
    svg(
      'defs',
      {},
      svg(
        'marker',
        { id: markerId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }),
      ),
    ),
    viewport,
  );
  const element = h('div', { class: 'lineage-canvas' }, root);

  const view = panZoom(root, viewport, layout, focus === undefined ? undefined : placedByIndex.get(focus));
  wireNodeEvents(root, model, options.onOpen, (index) => {
    root.classList.toggle('has-lit', index !== undefined);
    const on = index === undefined ? new Set<number>() : lineageOf(model, index, placedByIndex);
    for (const [other, group] of nodeElements) group.classList.toggle('lit', on.has(other));
    layout.edges.forEach((edge, i) => edgeElements[i]!.classList.toggle('lit', on.has(edge.from) && on.has(edge.to)));
  });
  return { element, ...view };
}

function nodeGroup(node: SiteNode, placed: PlacedNode, isFocus: boolean): SVGGElement {
  const status = node.lastRun?.status;
  const classes = [
    'node',
    `type-${node.resourceType}`,
    `kind-${node.kind.replace(/[^a-z_]/gi, '')}`,
    isFocus ? 'focus' : '',
    status ? `status-${status.replace(/[^a-z]/gi, '')}` : '',
  ];
  const left = placed.x - placed.width / 2;
  const top = placed.y - placed.height / 2;
  return svg(
    'g',
    {
      class: classes.filter(Boolean).join(' '),
      'data-id': node.uniqueId,
      'data-index': placed.index,
      transform: `translate(${left.toFixed(1)},${top.toFixed(1)})`,
      tabindex: 0,
      role: 'link',
      'aria-label': `${node.resourceType} ${placed.label}`,
    },
    svg(
      'title',
      {},
      `${placed.label} (${node.resourceType === 'model' ? `${node.kind} model` : node.resourceType})${node.summary ? `\n${node.summary}` : ''}${status ? `\nlast run: ${status}` : ''}`,
    ),
    svg('rect', { class: 'box', width: placed.width, height: placed.height, rx: 7 }),
    svg('rect', { class: 'stripe', width: 6, height: placed.height, rx: 3 }),
    status ? svg('circle', { class: 'status-dot', cx: placed.width - 10, cy: placed.height / 2, r: 4 }) : null,
    svg('text', { x: 16, y: placed.height / 2, 'dominant-baseline': 'central' }, clip(placed.label, placed.width)),
  );
}

/** The label, cut with an ellipsis when longer than the box was sized for (see nodeWidth). */
function clip(label: string, width: number): string {
  const fits = Math.round((width - 44) / 7.4);
  return label.length <= fits ? label : `${label.slice(0, Math.max(1, fits - 1))}…`;
}

/**
 * A path through the edge's points, each step an S-curve with horizontal tangents, so edges leave
 * and enter boxes horizontally and bend smoothly through dagre's waypoints.
 */
export function edgePath(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  const f = (n: number) => n.toFixed(1);
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const half = Math.max(12, (b.x - a.x) / 2);
    d += ` C${f(a.x + half)},${f(a.y)} ${f(b.x - half)},${f(b.y)} ${f(b.x)},${f(b.y)}`;
  }
  return d;
}

/** The node, its ancestors and its descendants, among the drawn nodes. */
function lineageOf(model: SiteModel, start: number, drawn: ReadonlyMap<number, unknown>): Set<number> {
  const out = new Set<number>([start]);
  for (const next of [(index: number) => model.nodes[index]!.parents, (index: number) => model.children[index]!]) {
    const queue = [start];
    while (queue.length > 0) {
      for (const other of next(queue.pop()!)) {
        if (out.has(other) || !drawn.has(other)) continue;
        out.add(other);
        queue.push(other);
      }
    }
  }
  return out;
}
