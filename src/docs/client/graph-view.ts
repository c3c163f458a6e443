/** Draws a laid-out lineage as SVG, with zoom (wheel, buttons), pan (drag) and hover highlighting. */
import type { SiteNode } from '../site-types.js';
import { h, svg } from './dom.js';
import type { Layout, PlacedNode } from './layout.js';
import type { SiteModel } from './site-model.js';

export interface GraphViewOptions {
  model: SiteModel;
  layout: Layout;
  /** Node to mark (the page's own node in a neighbourhood view). */
  focus?: number | undefined;
  onOpen: (node: SiteNode) => void;
}

export interface GraphView {
  element: HTMLElement;
  /** Whole graph in view; with `readableStart`, big graphs start readable (zoomed in on the focus or the top left). */
  fit(readableStart?: boolean): void;
  zoomBy(factor: number): void;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 3;
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

  // Zoom and pan: one transform on the viewport group.
  let scale = 1;
  let tx = 0;
  let ty = 0;
  const apply = () => {
    viewport.setAttribute('transform', `translate(${tx.toFixed(1)},${ty.toFixed(1)}) scale(${scale.toFixed(4)})`);
    root.classList.toggle('far', scale < 0.25);
  };
  const zoomAt = (factor: number, cx: number, cy: number) => {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    tx = cx - ((cx - tx) * next) / scale;
    ty = cy - ((cy - ty) * next) / scale;
    scale = next;
    apply();
  };
  /** Fits the whole graph; `readable` instead starts big graphs at a size where labels can be read. */
  const fit = (readableStart = false) => {
    const box = root.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || layout.width === 0) return;
    scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.min(box.width / layout.width, box.height / layout.height, 1.1) * 0.96));
    // A big graph fitted whole is unreadable: start at a readable size instead (labels at about
    // 10 px), centred on the focus node or at the top left, and let the user zoom out.
    const readable = 0.85;
    if (readableStart && scale < readable && layout.nodes.length > 12) {
      scale = readable;
      const anchor = focus === undefined ? undefined : placedByIndex.get(focus);
      if (anchor !== undefined) {
        tx = box.width / 2 - anchor.x * scale;
        ty = box.height / 2 - anchor.y * scale;
      } else {
        // The left edge of the graph, at the first-rank node nearest the middle.
        const left = Math.min(...layout.nodes.map((node) => node.x - node.width / 2));
        const first = layout.nodes.filter((node) => node.x - node.width / 2 <= left + 1);
        const middle = first.reduce((best, node) => (Math.abs(node.y - layout.height / 2) < Math.abs(best.y - layout.height / 2) ? node : best));
        tx = 20 - left * scale;
        ty = box.height / 2 - middle.y * scale;
      }
    } else {
      tx = (box.width - layout.width * scale) / 2;
      ty = (box.height - layout.height * scale) / 2;
    }
    apply();
  };
  root.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const box = root.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
    },
    { passive: false },
  );
  let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | undefined;
  root.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, tx, ty, moved: false };
  });
  root.addEventListener('pointermove', (event) => {
    if (drag === undefined) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) root.setPointerCapture(event.pointerId);
    drag.moved = true;
    root.classList.add('dragging');
    tx = drag.tx + dx;
    ty = drag.ty + dy;
    apply();
  });
  const endDrag = (event: PointerEvent) => {
    if (drag?.moved) {
      // The click that ends a drag must not open a node.
      const swallow = (click: Event) => click.stopPropagation();
      root.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => root.removeEventListener('click', swallow, { capture: true }), 0);
      if (root.hasPointerCapture(event.pointerId)) root.releasePointerCapture(event.pointerId);
    }
    drag = undefined;
    root.classList.remove('dragging');
  };
  root.addEventListener('pointerup', endDrag);
  root.addEventListener('pointercancel', endDrag);

  // Open a node on click or Enter; light up its lineage on hover or focus.
  const indexOfTarget = (target: EventTarget | null): number | undefined => {
    const group = (target as Element | null)?.closest?.('g.node');
    return group === null || group === undefined ? undefined : Number(group.getAttribute('data-index'));
  };
  root.addEventListener('click', (event) => {
    const index = indexOfTarget(event.target);
    if (index !== undefined) options.onOpen(model.nodes[index]!);
  });
  root.addEventListener('keydown', (event) => {
    const index = indexOfTarget(event.target);
    if (index !== undefined && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      options.onOpen(model.nodes[index]!);
    }
  });
  const lit = (index: number | undefined) => {
    root.classList.toggle('has-lit', index !== undefined);
    const on = index === undefined ? new Set<number>() : lineageOf(model, index, placedByIndex);
    for (const [other, group] of nodeElements) group.classList.toggle('lit', on.has(other));
    layout.edges.forEach((edge, i) => edgeElements[i]!.classList.toggle('lit', on.has(edge.from) && on.has(edge.to)));
  };
  root.addEventListener('pointerover', (event) => lit(indexOfTarget(event.target)));
  root.addEventListener('pointerleave', () => lit(undefined));
  root.addEventListener('focusin', (event) => lit(indexOfTarget(event.target)));

  apply();
  return {
    element,
    fit,
    zoomBy: (factor) => {
      const box = root.getBoundingClientRect();
      zoomAt(factor, box.width / 2, box.height / 2);
    },
  };
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
