/** A drawn lineage's node events: open a node on click or Enter, light up its lineage on hover or focus. */
import type { SiteNode } from '../site-types.js';
import type { SiteModel } from './site-model.js';

export function wireNodeEvents(root: SVGSVGElement, model: SiteModel, onOpen: (node: SiteNode) => void, lit: (index: number | undefined) => void): void {
  const indexOfTarget = (target: EventTarget | null): number | undefined => {
    const group = (target as Element | null)?.closest?.('g.node');
    return group === null || group === undefined ? undefined : Number(group.getAttribute('data-index'));
  };
  root.addEventListener('click', (event) => {
    const index = indexOfTarget(event.target);
    if (index !== undefined) onOpen(model.nodes[index]!);
  });
  root.addEventListener('keydown', (event) => {
    const index = indexOfTarget(event.target);
    if (index !== undefined && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onOpen(model.nodes[index]!);
    }
  });
  root.addEventListener('pointerover', (event) => lit(indexOfTarget(event.target)));
  root.addEventListener('pointerleave', () => lit(undefined));
  root.addEventListener('focusin', (event) => lit(indexOfTarget(event.target)));
}
