/** Pieces the pages share: how a page reaches the site, and a node's list item and badges. */
import type { SiteNode } from '../site-types.js';
import { h } from './dom.js';
import { displayName, type SiteModel } from './site-model.js';

export interface PageContext {
  model: SiteModel;
  /** Cache key for data files (the generation time). */
  version: string;
  nodeHref(node: SiteNode): string;
  lineageHref(select: string, exclude?: string): string;
  open(href: string): void;
}

export function nodeItem(context: PageContext, node: SiteNode): HTMLElement {
  return h(
    'li',
    {},
    h('a', { href: context.nodeHref(node) }, displayName(node)),
    ' ',
    badge(node.resourceType === 'model' ? node.kind : node.resourceType, `kind kind-${node.kind}`),
    node.lastRun ? statusBadge(node.lastRun.status) : null,
    node.summary ? h('span', { class: 'subtle' }, ` ${node.summary}`) : null,
  );
}

export function statusBadge(status: string): HTMLElement {
  return badge(status, `status status-${status.replace(/[^a-z]/gi, '')}`);
}

export function badge(text: string, className: string): HTMLElement {
  return h('span', { class: `badge ${className}` }, text);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
