/** One node's page: its description, columns, tests, code and lineage. */
import type { SiteColumn, SiteNode, SiteNodeDetails } from '../site-types.js';
import { loadChunk } from './chunks.js';
import { columnName } from './column-lineage.js';
import { h, html } from './dom.js';
import { lineagePanel } from './lineage-page.js';
import { inlineMarkdownHtml, markdownHtml } from './markdown.js';
import { badge, formatTime, nodeItem, type PageContext, statusBadge } from './page-parts.js';
import { displayName } from './site-model.js';

export function nodePage(context: PageContext, node: SiteNode): HTMLElement {
  const { model } = context;
  const index = model.indexOf(node.uniqueId)!;
  const parents = node.parents.map((one) => model.nodes[one]!);
  const allChildren = model.children[index]!.map((one) => model.nodes[one]!);
  const tests = allChildren.filter((one) => one.resourceType === 'test');
  const children = allChildren.filter((one) => one.resourceType !== 'test');
  const descriptionSlot = h('section', { class: 'description' }, node.summary ? h('p', {}, node.summary) : null);
  const detailsSlot = h('div', { class: 'details-slot' }, h('p', { class: 'subtle' }, 'Loading…'));
  const page = h(
    'article',
    { class: 'page node-page', 'data-node': node.uniqueId },
    nodeHeader(node),
    descriptionSlot,
    neighbourhoodSection(context, node, index),
    relativesSection(context, node, parents, children),
    testsSection(context, tests),
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

function nodeHeader(node: SiteNode): HTMLElement {
  return h(
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
  );
}

/** The node's neighbourhood drawn small, with a link to the same selection in the lineage explorer. */
function neighbourhoodSection(context: PageContext, node: SiteNode, index: number): HTMLElement {
  const near = context.model.neighbourhood(node);
  return h(
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
  );
}

function relativesSection(context: PageContext, node: SiteNode, parents: SiteNode[], children: SiteNode[]): HTMLElement {
  return h(
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
  );
}

function testsSection(context: PageContext, tests: SiteNode[]): HTMLElement | null {
  return tests.length
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
    : null;
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

/** A generic test's arguments without the `model` every one of them has. */
function withoutModel(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).filter(([key]) => key !== 'model'));
}
