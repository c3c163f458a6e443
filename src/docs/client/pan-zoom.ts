/** Zoom (wheel, buttons) and pan (drag) of a drawn lineage: one transform on its viewport group. */
import type { Layout, PlacedNode } from './layout.js';

const MIN_SCALE = 0.05;
const MAX_SCALE = 3;

export interface PanZoom {
  /** Whole graph in view; with `readableStart`, big graphs start readable (zoomed in on the focus or the top left). */
  fit(readableStart?: boolean): void;
  zoomBy(factor: number): void;
}

export function panZoom(root: SVGSVGElement, viewport: SVGGElement, layout: Layout, focus: PlacedNode | undefined): PanZoom {
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
      const anchor = focus;
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

  apply();
  return {
    fit,
    zoomBy: (factor) => {
      const box = root.getBoundingClientRect();
      zoomAt(factor, box.width / 2, box.height / 2);
    },
  };
}
