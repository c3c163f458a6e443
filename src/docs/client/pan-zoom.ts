/** Zoom (wheel, buttons) and pan (drag) of a drawn lineage: one transform on its viewport group. */
import type { Layout, PlacedNode } from './layout.js';

const MIN_SCALE = 0.05;
const MAX_SCALE = 3;
/** Labels are about 10 px at this scale. */
const READABLE_SCALE = 0.85;

export interface PanZoom {
  /** Whole graph in view; with `readableStart`, big graphs start readable (zoomed in on the focus or the top left). */
  fit(readableStart?: boolean): void;
  zoomBy(factor: number): void;
}

interface View {
  scale: number;
  tx: number;
  ty: number;
}

export function panZoom(root: SVGSVGElement, viewport: SVGGElement, layout: Layout, focus: PlacedNode | undefined): PanZoom {
  const view: View = { scale: 1, tx: 0, ty: 0 };
  const apply = () => {
    viewport.setAttribute('transform', `translate(${view.tx.toFixed(1)},${view.ty.toFixed(1)}) scale(${view.scale.toFixed(4)})`);
    root.classList.toggle('far', view.scale < 0.25);
  };
  const zoomAt = (factor: number, cx: number, cy: number) => {
    const next = clampScale(view.scale * factor);
    view.tx = cx - ((cx - view.tx) * next) / view.scale;
    view.ty = cy - ((cy - view.ty) * next) / view.scale;
    view.scale = next;
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
  wireDrag(root, view, apply);

  apply();
  return {
    fit: (readableStart = false) => {
      const box = root.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || layout.width === 0) return;
      Object.assign(view, fittedView(box, layout, focus, readableStart));
      apply();
    },
    zoomBy: (factor) => {
      const box = root.getBoundingClientRect();
      zoomAt(factor, box.width / 2, box.height / 2);
    },
  };
}

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * The whole graph centred in the box; or, with `readableStart`, a big graph at a readable size
 * (fitted whole it is unreadable), centred on the focus node or at its left edge, for the user to zoom out.
 */
function fittedView(box: { width: number; height: number }, layout: Layout, focus: PlacedNode | undefined, readableStart: boolean): View {
  const scale = clampScale(Math.min(box.width / layout.width, box.height / layout.height, 1.1) * 0.96);
  if (!readableStart || scale >= READABLE_SCALE || layout.nodes.length <= 12) {
    return { scale, tx: (box.width - layout.width * scale) / 2, ty: (box.height - layout.height * scale) / 2 };
  }
  if (focus !== undefined) {
    return { scale: READABLE_SCALE, tx: box.width / 2 - focus.x * READABLE_SCALE, ty: box.height / 2 - focus.y * READABLE_SCALE };
  }
  // The left edge of the graph, at the first-rank node nearest the middle.
  const left = Math.min(...layout.nodes.map((node) => node.x - node.width / 2));
  const first = layout.nodes.filter((node) => node.x - node.width / 2 <= left + 1);
  const middle = first.reduce((best, node) => (Math.abs(node.y - layout.height / 2) < Math.abs(best.y - layout.height / 2) ? node : best));
  return { scale: READABLE_SCALE, tx: 20 - left * READABLE_SCALE, ty: box.height / 2 - middle.y * READABLE_SCALE };
}

/** Panning by dragging; the click that ends a drag does not open a node. */
function wireDrag(root: SVGSVGElement, view: View, apply: () => void): void {
  let drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | undefined;
  root.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, tx: view.tx, ty: view.ty, moved: false };
  });
  root.addEventListener('pointermove', (event) => {
    if (drag === undefined) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) root.setPointerCapture(event.pointerId);
    drag.moved = true;
    root.classList.add('dragging');
    view.tx = drag.tx + dx;
    view.ty = drag.ty + dy;
    apply();
  });
  const endDrag = (event: PointerEvent) => {
    if (drag?.moved) {
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
}
