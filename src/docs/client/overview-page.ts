/** The project overview: counts, last run, and the whole lineage of a small project. */
import type { SiteNode } from '../site-types.js';
import { h, html } from './dom.js';
import { lineagePanel } from './lineage-page.js';
import { markdownHtml } from './markdown.js';
import { formatTime, nodeItem, type PageContext } from './page-parts.js';
import { HIDDEN_BY_DEFAULT } from './site-model.js';

/** Projects up to this size show their whole lineage on the overview. */
const OVERVIEW_LINEAGE_UP_TO = 150;

export function overviewPage(context: PageContext): HTMLElement {
  const { model } = context;
  const project = model.graph.project;
  const count = (test: (node: SiteNode) => boolean) => model.nodes.filter(test).length;
  const models = count((node) => node.resourceType === 'model');
  const sources = count((node) => node.resourceType === 'source');
  const statuses = new Map<string, number>();
  for (const node of model.nodes) if (node.lastRun) statuses.set(node.lastRun.status, (statuses.get(node.lastRun.status) ?? 0) + 1);
  const failed = model.nodes.filter((node) => node.lastRun && ['error', 'fail', 'runtime error'].includes(node.lastRun.status));
  return h(
    'article',
    { class: 'page overview' },
    h('h1', {}, project.name),
    h(
      'p',
      { class: 'subtle' },
      `Generated ${formatTime(project.generatedAt)} by tsdbt ${project.tsdbtVersion} · target `,
      h('code', {}, project.target.name),
      ` (${project.target.type}, database `,
      h('code', {}, project.target.schema),
      ')',
    ),
    h(
      'div',
      { class: 'cards' },
      card(String(models), 'models', context.lineageHref('resource_type:model')),
      card(String(sources), 'sources', context.lineageHref('resource_type:source')),
      card(String(count((node) => node.kind === 'table')), 'tables', context.lineageHref('config.materialized:table')),
      card(String(count((node) => node.kind === 'view')), 'views', context.lineageHref('config.materialized:view')),
      project.lastRun ? card(statusSummary(statuses), `last run, ${formatTime(project.lastRun.at)}`) : card('—', 'no run results yet'),
    ),
    project.catalogNote ? h('p', { class: 'note' }, project.catalogNote) : null,
    // Small projects get their whole lineage right here.
    model.nodes.length <= OVERVIEW_LINEAGE_UP_TO
      ? h(
          'section',
          { class: 'neighbourhood' },
          h(
            'div',
            { class: 'section-head' },
            h('h2', {}, 'Lineage'),
            h('a', { class: 'button', href: context.lineageHref('') }, 'Open in the lineage explorer'),
          ),
          lineagePanel(context, '', HIDDEN_BY_DEFAULT, undefined, 'mini'),
        )
      : null,
    failed.length > 0
      ? h(
          'section',
          {},
          h('h2', {}, 'Failed in the last run'),
          h(
            'ul',
            { class: 'node-list' },
            failed.slice(0, 50).map((node) => nodeItem(context, node)),
          ),
        )
      : null,
    project.overview
      ? html('section', 'markdown', markdownHtml(project.overview))
      : h(
          'section',
          { class: 'markdown' },
          h(
            'p',
            {},
            'Pick a model or source on the left, search by name above, or open the ',
            h('a', { href: context.lineageHref('') }, 'lineage graph'),
            '. Add a ',
            h('code', {}, '{% docs __overview__ %}'),
            ' block to any .md file in models/ to replace this text.',
          ),
        ),
  );
}

function card(value: string, label: string, href?: string): HTMLElement {
  const inner = [h('div', { class: 'card-value' }, value), h('div', { class: 'card-label' }, label)];
  return href ? h('a', { class: 'card', href }, inner) : h('div', { class: 'card' }, inner);
}

function statusSummary(statuses: Map<string, number>): string {
  if (statuses.size === 0) return '—';
  return [...statuses].map(([status, n]) => `${n} ${status}`).join(', ');
}
