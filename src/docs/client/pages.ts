/** The pages: project overview, one node, and the lineage explorer. */
import type { SiteColumn, SiteNode, SiteNodeDetails } from '../site-types.js';
import { loadChunk } from './chunks.js';
import { columnName } from './column-lineage.js';
import { h, html } from './dom.js';
import { graphView } from './graph-view.js';
import { layoutLineage } from './layout.js';
import { inlineMarkdownHtml, markdownHtml } from './markdown.js';
import { displayName, HIDDEN_BY_DEFAULT, type SiteModel } from './site-model.js';

/** Above this many nodes the lineage asks before drawing (layout and SVG both grow with it). */
export const MAX_DRAWN = 2000;
/** Projects up to this size show their whole lineage on the overview. */
const OVERVIEW_LINEAGE_UP_TO = 150;

export interface PageContext {
  model: SiteModel;
  /** Cache key for data files (the generation time). */
  version: string;
  nodeHref(node: SiteNode): string;
  lineageHref(select: string, exclude?: string): string;
  open(href: string): void;
}

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

export function nodePage(context: PageContext, node: SiteNode): HTMLElement {
  const { model } = context;
  const index = model.indexOf(node.uniqueId)!;
  const parents = node.parents.map((one) => model.nodes[one]!);
  const allChildren = model.children[index]!.map((one) => model.nodes[one]!);
  const tests = allChildren.filter((one) => one.resourceType === 'test');
  const children = allChildren.filter((one) => one.resourceType !== 'test');
  const descriptionSlot = h('section', { class: 'description' }, node.summary ? h('p', {}, node.summary) : null);
  const detailsSlot = h('div', { class: 'details-slot' }, h('p', { class: 'subtle' }, 'Loading…'));
  const near = model.neighbourhood(node);
  const page = h(
    'article',
    { class: 'page node-page', 'data-node': node.uniqueId },
    h(
      'header',
      { class: 'node-header' },
      h('div', { class: 'crumbs' }, node.originalFilePath),
      h(
        'h1',
        {},
        displayName(node),
        ' ',
        badge(node.resourceType === 'model' ? node.kind : node.resourceType, `kind kind-${node.kind}`),
        node.lastRun ? statusBadge(node.lastRun.status) : null,
      ),
    ),
    descriptionSlot,
    h(
      'section',
      { class: 'neighbourhood' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', {}, 'Lineage'),
        h('a', { class: 'button', href: context.lineageHref(near.select, near.exclude) }, 'Open in the lineage explorer'),
        h('code', { class: 'selector' }, near.select),
      ),
      lineagePanel(context, near.select, near.exclude, index, 'mini'),
    ),
    h(
      'section',
      { class: 'relatives' },
      h(
        'div',
        {},
        h('h2', {}, `Depends on (${parents.length})`),
        parents.length
          ? h(
              'ul',
              { class: 'node-list' },
              parents.map((one) => nodeItem(context, one)),
            )
          : h('p', { class: 'subtle' }, 'Nothing: this is where data enters.'),
      ),
      h(
        'div',
        {},
        h('h2', {}, `Referenced by (${children.length})`),
        children.length
          ? h(
              'ul',
              { class: 'node-list' },
              children.map((one) => nodeItem(context, one)),
            )
          : h('p', { class: 'subtle' }, node.resourceType === 'test' ? 'Tests have no dependents.' : 'Nothing depends on it yet.'),
      ),
    ),
    tests.length
      ? h(
          'section',
          {},
          h('h2', {}, `Tests (${tests.length})`),
          h(
            'ul',
            { class: 'node-list' },
            tests.map((one) => nodeItem(context, one)),
          ),
        )
      : null,
    detailsSlot,
  );
  loadChunk(node.chunk, context.version)
    .then((chunk) => {
      const details = chunk.get(node.uniqueId);
      if (details === undefined) {
        detailsSlot.replaceChildren(h('p', { class: 'note' }, 'No details were generated for this node.'));
        return;
      }
      descriptionSlot.replaceChildren(descriptionOf(details));
      detailsSlot.replaceChildren(detailSections(context, node, details));
    })
    .catch((error: Error) => detailsSlot.replaceChildren(h('p', { class: 'note error' }, error.message)));
  return page;
}

function detailSections(context: PageContext, node: SiteNode, details: SiteNodeDetails): HTMLElement {
  const relation = `${node.schema}.${node.identifier}`;
  const exposure = node.resourceType === 'exposure';
  const rows: Array<[string, Node | string]> = [
    ...(exposure ? [] : [[node.resourceType === 'test' ? 'failures stored in' : 'relation', h('code', {}, relation)] as [string, Node]]),
    [node.resourceType === 'model' ? 'materialized' : 'type', node.resourceType === 'model' ? node.kind : node.resourceType],
    ...(node.resourceType === 'test' || exposure
      ? []
      : [
          [
            'in the database',
            details.relation ? `yes (${details.relation.engine || 'engine unknown'})` : 'not found (not built yet, or the catalog was skipped)',
          ] as [string, string],
        ]),
    [
      'tags',
      node.tags.length
        ? h(
            'span',
            {},
            node.tags.map((tag) => badge(tag, 'tag')),
          )
        : '—',
    ],
    ['file', h('code', {}, node.originalFilePath)],
  ];
  if (details.patchPath) rows.push(['described in', h('code', {}, details.patchPath)]);
  if (details.loadedAtField) rows.push(['loaded_at_field', h('code', {}, details.loadedAtField)]);
  if (details.owner) rows.push(['owner', details.owner]);
  if (details.maturity) rows.push(['maturity', details.maturity]);
  // Only web addresses become links: a `javascript:` URL in a YAML file must not run in the page.
  if (details.url)
    rows.push(['url', /^https?:\/\//i.test(details.url) ? h('a', { href: details.url, rel: 'noopener noreferrer' }, details.url) : h('code', {}, details.url)]);
  if (details.ingest !== undefined) rows.push(['ingestion', details.ingest ? 'configured (tsdbt ingest)' : 'none']);
  if (node.lastRun) {
    rows.push(['last run', `${node.lastRun.status} in ${node.lastRun.executionTime.toFixed(2)}s, ${formatTime(node.lastRun.at)}`]);
    if (node.lastRun.message && node.lastRun.status !== 'success') rows.push(['message', h('span', { class: 'run-message' }, node.lastRun.message)]);
  }
  if (details.attachedNode) {
    const attached = context.model.node(details.attachedNode);
    rows.push(['tests', attached ? h('a', { href: context.nodeHref(attached) }, displayName(attached)) : h('code', {}, details.attachedNode)]);
  }
  if (details.columnName) rows.push(['column', h('code', {}, details.columnName)]);
  if (details.testMetadata)
    rows.push([
      'generic test',
      h(
        'span',
        {},
        h('code', {}, [details.testMetadata.namespace, details.testMetadata.name].filter(Boolean).join('.')),
        ' ',
        h('code', {}, JSON.stringify(withoutModel(details.testMetadata.kwargs))),
      ),
    ]);
  return h(
    'div',
    {},
    h(
      'section',
      {},
      h('h2', {}, 'Details'),
      h(
        'table',
        { class: 'facts' },
        h(
          'tbody',
          {},
          rows.map(([key, value]) => h('tr', {}, h('th', {}, key), h('td', {}, value))),
        ),
      ),
    ),
    node.resourceType === 'test' ? null : h('section', {}, h('h2', {}, `Columns (${details.columns.length})`), columnsTable(context, details.columns)),
    details.rawSql !== undefined ? codeSection(details) : null,
    h('section', {}, h('h2', {}, 'Config'), h('pre', { class: 'code json' }, JSON.stringify(node.config, null, 2))),
    Object.keys(details.meta).length ? h('section', {}, h('h2', {}, 'Meta'), h('pre', { class: 'code json' }, JSON.stringify(details.meta, null, 2))) : null,
  );
}

function descriptionOf(details: SiteNodeDetails): HTMLElement {
  const description = [details.sourceDescription ? `**Source:** ${details.sourceDescription}` : '', details.description].filter(Boolean).join('\n\n');
  return description
    ? html('div', 'markdown', markdownHtml(description))
    : h('p', { class: 'subtle' }, 'No description yet: add ', h('code', {}, 'description:'), ' for it in a .yml file under models/.');
}

function columnsTable(context: PageContext, columns: SiteColumn[]): HTMLElement {
  if (columns.length === 0) return h('p', { class: 'subtle' }, 'No columns known: the relation is not in the database and none are documented.');
  return h(
    'table',
    { class: 'columns' },
    h('thead', {}, h('tr', {}, h('th', {}, 'column'), h('th', {}, 'type'), h('th', {}, 'description'))),
    h(
      'tbody',
      {},
      columns.map((column) =>
        h(
          'tr',
          { class: column.missingInDatabase ? 'missing' : '' },
          h(
            'td',
            {},
            columnName(context, column),
            column.tags.map((tag) => badge(tag, 'tag')),
            column.tests.map((test) => badge(test, 'test')),
          ),
          h(
            'td',
            {},
            column.type
              ? h('code', { class: 'type' }, column.type)
              : column.declaredType
                ? h('code', { class: 'type declared', title: 'declared in YAML (data_type)' }, column.declaredType)
                : column.checkedType
                  ? h('code', { class: 'type checked', title: 'found by tsdbt check' }, column.checkedType)
                  : '—',
            column.missingInDatabase ? h('div', { class: 'warn' }, 'not in the database') : null,
          ),
          h('td', {}, column.description ? html('div', 'markdown inline', inlineMarkdownHtml(column.description)) : ''),
        ),
      ),
    ),
  );
}

function codeSection(details: SiteNodeDetails): HTMLElement {
  const hasCompiled = details.compiledSql !== undefined;
  const pre = h('pre', { class: 'code sql', 'data-testid': 'sql' });
  const show = (which: 'compiled' | 'source') => {
    pre.textContent = which === 'compiled' ? (details.compiledSql ?? '') : (details.rawSql ?? '');
    pre.setAttribute('data-kind', which);
    compiledTab.classList.toggle('active', which === 'compiled');
    sourceTab.classList.toggle('active', which === 'source');
  };
  const compiledTab = h('button', { type: 'button', class: 'tab', disabled: !hasCompiled, onclick: () => show('compiled') }, 'Compiled SQL');
  const sourceTab = h('button', { type: 'button', class: 'tab', onclick: () => show('source') }, 'Source');
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'tab copy',
      onclick: () =>
        void navigator.clipboard?.writeText(pre.textContent ?? '').then(
          () => (copy.textContent = 'Copied'),
          () => undefined,
        ),
    },
    'Copy',
  );
  show(hasCompiled ? 'compiled' : 'source');
  return h(
    'section',
    { class: 'code-section' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Code'), h('div', { class: 'tabs' }, compiledTab, sourceTab, copy)),
    details.compileError ? h('p', { class: 'note error' }, `Could not compile: ${details.compileError}`) : null,
    pre,
  );
}

/** The lineage explorer: a selector box (the CLI's syntax) and the graph of what it selects. */
export function lineagePage(context: PageContext, select: string | undefined, exclude: string, force: boolean): HTMLElement {
  const { model } = context;
  const big = model.nodes.length > MAX_DRAWN;
  const effective = select ?? '';
  const selectInput = h('input', {
    type: 'search',
    name: 'select',
    value: effective,
    placeholder: big ? 'e.g. +my_model+  tag:finance  path:models/marts' : 'everything (e.g. +people+  tag:mart  source:astro+)',
    spellcheck: false,
    'aria-label': 'select',
  });
  const excludeInput = h('input', { type: 'search', name: 'exclude', value: exclude, placeholder: 'nothing', spellcheck: false, 'aria-label': 'exclude' });
  const form = h(
    'form',
    {
      class: 'selector-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        context.open(context.lineageHref(selectInput.value, excludeInput.value));
      },
    },
    h('label', {}, h('span', {}, '--select'), selectInput),
    h('label', {}, h('span', {}, '--exclude'), excludeInput),
    h('button', { type: 'submit', class: 'button primary' }, 'Show'),
    h(
      'details',
      { class: 'help' },
      h('summary', {}, 'syntax'),
      h(
        'div',
        { class: 'help-body' },
        h('p', {}, 'The same as ', h('code', {}, 'tsdbt run --select'), ':'),
        h(
          'ul',
          {},
          [
            ['people', 'one node by name'],
            ['+people', 'with everything upstream (2+people: two levels)'],
            ['people+', 'with everything downstream'],
            ['@people', 'with descendants and their ancestors'],
            ['tag:mart', 'by tag; also path:, config.materialized:, resource_type:, source:, fqn:'],
            ['result:error', 'by status in the last run'],
            ['a b', 'union (space); a,b: intersection (comma)'],
          ].map(([code, text]) => h('li', {}, h('code', {}, code!), ` ${text}`)),
        ),
      ),
    ),
  );
  const body =
    big && select === undefined
      ? h(
          'div',
          { class: 'lineage-empty' },
          h(
            'p',
            {},
            `This project has ${model.nodes.length.toLocaleString()} nodes. Type a selector to draw part of it, e.g. `,
            h('code', {}, '+my_model+'),
            ' or ',
            h('code', {}, 'tag:finance'),
            '.',
          ),
        )
      : lineagePanel(context, effective, exclude, undefined, 'full', force);
  return h('article', { class: 'page lineage-page' }, form, body);
}

/** A graph of a selection, with its toolbar; laid out after the page paints, so the page never waits on it. */
function lineagePanel(context: PageContext, select: string, exclude: string, focus: number | undefined, size: 'mini' | 'full', force = false): HTMLElement {
  const { model } = context;
  const panel = h('div', { class: `lineage lineage-${size}` });
  let indexes: number[];
  let warnings: string[];
  try {
    ({ indexes, warnings } = model.select(select, exclude));
  } catch (error) {
    panel.append(h('p', { class: 'note error selector-error' }, (error as Error).message));
    return panel;
  }
  const status = h('span', { class: 'lineage-status' });
  panel.append(
    h(
      'div',
      { class: 'lineage-toolbar' },
      status,
      warnings.map((warning) => h('span', { class: 'warn' }, warning)),
    ),
  );
  if (indexes.length === 0) {
    status.textContent = 'The selection matched no nodes.';
    return panel;
  }
  if (indexes.length > MAX_DRAWN && !force) {
    status.textContent = `${indexes.length.toLocaleString()} nodes selected.`;
    panel.append(
      h(
        'div',
        { class: 'lineage-empty' },
        h(
          'p',
          {},
          `Drawing more than ${MAX_DRAWN.toLocaleString()} nodes at once is slow and hard to read; narrow the selection, or `,
          h('a', { href: `${context.lineageHref(select, exclude)}&all=1` }, 'draw them anyway'),
          '.',
        ),
      ),
    );
    return panel;
  }
  status.textContent = `Laying out ${indexes.length.toLocaleString()} nodes…`;
  const holder = h('div', { class: 'lineage-holder' });
  panel.append(holder);
  requestAnimationFrame(() =>
    setTimeout(() => {
      const layout = layoutLineage(model.nodes, indexes);
      const view = graphView({ model, layout, focus, onOpen: (node) => context.open(context.nodeHref(node)) });
      holder.replaceChildren(view.element);
      const toolbar = panel.querySelector('.lineage-toolbar')!;
      toolbar.prepend(
        h(
          'span',
          { class: 'zoom' },
          h('button', { type: 'button', title: 'zoom in', 'aria-label': 'zoom in', onclick: () => view.zoomBy(1.25) }, '+'),
          h('button', { type: 'button', title: 'zoom out', 'aria-label': 'zoom out', onclick: () => view.zoomBy(0.8) }, '−'),
          h('button', { type: 'button', title: 'fit to the window', onclick: () => view.fit() }, 'fit'),
        ),
      );
      status.textContent = `${indexes.length.toLocaleString()} node${indexes.length === 1 ? '' : 's'}, ${layout.edges.length.toLocaleString()} edge${layout.edges.length === 1 ? '' : 's'}`;
      panel.classList.add('ready');
      view.fit(true);
    }, 0),
  );
  panel.append(legend(new Set(indexes.map((index) => model.nodes[index]!.kind))));
  return panel;
}

/** Kinds with their own colour in the graph (tsdbt-docs.css); any other kind is drawn grey. */
const STYLED_KINDS = ['source', 'seed', 'view', 'table', 'incremental', 'materialized_view', 'ephemeral', 'test'];

/** A key to the colours of the kinds actually drawn. */
function legend(kinds: ReadonlySet<string>): HTMLElement {
  const shown = STYLED_KINDS.filter((kind) => kinds.has(kind));
  const others = [...kinds].filter((kind) => !STYLED_KINDS.includes(kind)).sort();
  return h(
    'div',
    { class: 'legend' },
    shown.map((kind) => h('span', { class: `legend-item legend-${kind}` }, h('i', {}), kind.replace(/_/g, ' '))),
    others.length ? h('span', { class: 'legend-item legend-other' }, h('i', {}), others.join(', ').replace(/_/g, ' ')) : null,
    h('span', { class: 'subtle' }, 'scroll to zoom · drag to pan · click to open'),
  );
}

function nodeItem(context: PageContext, node: SiteNode): HTMLElement {
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

function statusBadge(status: string): HTMLElement {
  return badge(status, `status status-${status.replace(/[^a-z]/gi, '')}`);
}

/** A generic test's arguments without the `model` every one of them has. */
function withoutModel(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).filter(([key]) => key !== 'model'));
}

function card(value: string, label: string, href?: string): HTMLElement {
  const inner = [h('div', { class: 'card-value' }, value), h('div', { class: 'card-label' }, label)];
  return href ? h('a', { class: 'card', href }, inner) : h('div', { class: 'card' }, inner);
}

export function badge(text: string, className: string): HTMLElement {
  return h('span', { class: `badge ${className}` }, text);
}

function statusSummary(statuses: Map<string, number>): string {
  if (statuses.size === 0) return '—';
  return [...statuses].map(([status, n]) => `${n} ${status}`).join(', ');
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
