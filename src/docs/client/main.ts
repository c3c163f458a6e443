/**
 * The docs site's page script. index.html loads it, then the graph file, which calls
 * `tsdbtDocsGraph(data)`: from there on everything is drawn here, page by page, from the
 * hash route (`#/overview`, `#/node/<unique_id>`, `#/lineage?select=…&exclude=…`).
 */
import { GRAPH_CALLBACK, type SiteGraph, type SiteNode } from '../site-types.js';
import { h } from './dom.js';
import { lineagePage } from './lineage-page.js';
import { nodePage } from './node-page.js';
import { overviewPage } from './overview-page.js';
import { projectTree } from './project-tree.js';
import { badge, type PageContext } from './page-parts.js';
import { displayName, HIDDEN_BY_DEFAULT, SiteModel } from './site-model.js';

(window as unknown as Record<string, unknown>)[GRAPH_CALLBACK] = (graph: SiteGraph) => {
  const start = () => boot(graph);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
};

function boot(graph: SiteGraph): void {
  const model = new SiteModel(graph);
  const context: PageContext = {
    model,
    version: graph.project.generatedAt,
    nodeHref: (node) => `#/node/${encodeURIComponent(node.uniqueId)}`,
    lineageHref: (select, exclude = HIDDEN_BY_DEFAULT) => `#/lineage?select=${encodeURIComponent(select)}&exclude=${encodeURIComponent(exclude)}`,
    open: (href) => {
      if (location.hash === href) route();
      else location.hash = href;
    },
  };
  document.title = `${graph.project.name} · tsdbt docs`;
  const main = h('main', { class: 'content', id: 'content', tabindex: -1 });
  const tree = projectTree(context);
  const app = document.getElementById('app')!;
  app.replaceChildren(topBar(context), h('div', { class: 'layout' }, h('nav', { class: 'sidebar', 'aria-label': 'project' }, tree.element), main));

  const route = () => {
    const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
    const [path, query = ''] = splitOnce(location.hash.replace(/^#\/?/, ''), '?');
    const params = new URLSearchParams(query);
    let page: HTMLElement;
    if (path.startsWith('node/')) {
      const node = model.node(decodeURIComponent(path.slice('node/'.length)));
      page = node === undefined ? notFound(context, hash) : nodePage(context, node);
      tree.reveal(node);
    } else if (path === 'lineage') {
      page = lineagePage(
        context,
        params.has('select') ? params.get('select')! : undefined,
        params.get('exclude') ?? HIDDEN_BY_DEFAULT,
        params.get('all') === '1',
      );
      tree.reveal(undefined);
    } else {
      page = overviewPage(context);
      tree.reveal(undefined);
    }
    main.replaceChildren(page);
    main.scrollTop = 0;
    document.body.dataset.route = path.split('/')[0] || 'overview';
  };
  window.addEventListener('hashchange', route);
  route();
}

function topBar(context: PageContext): HTMLElement {
  const { model } = context;
  const results = h('ul', { class: 'search-results', role: 'listbox', hidden: true });
  const input = h('input', {
    type: 'search',
    class: 'search',
    placeholder: 'Search models and sources  ( / )',
    'aria-label': 'search',
    autocomplete: 'off',
    spellcheck: false,
  });
  let active = 0;
  let found: SiteNode[] = [];
  const close = () => {
    results.hidden = true;
    results.replaceChildren();
  };
  const go = (node: SiteNode | undefined) => {
    if (node === undefined) return;
    input.value = '';
    close();
    context.open(context.nodeHref(node));
  };
  const show = () => {
    found = model.search(input.value);
    active = 0;
    results.replaceChildren(
      ...found.map((node, i) =>
        h(
          'li',
          { role: 'option', class: i === active ? 'active' : '', onmousedown: (event: Event) => (event.preventDefault(), go(node)) },
          h('span', { class: 'result-name' }, displayName(node)),
          badge(node.resourceType === 'model' ? node.kind : node.resourceType, `kind kind-${node.kind}`),
          h('span', { class: 'result-path' }, node.originalFilePath),
        ),
      ),
    );
    if (found.length === 0 && input.value.trim() !== '') results.append(h('li', { class: 'empty' }, 'No node has that in its name.'));
    results.hidden = input.value.trim() === '';
  };
  input.addEventListener('input', show);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') go(found[active]);
    else if (event.key === 'Escape') close(), input.blur();
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = Math.max(0, Math.min(found.length - 1, active + (event.key === 'ArrowDown' ? 1 : -1)));
      [...results.children].forEach((child, i) => child.classList.toggle('active', i === active));
    }
  });
  document.addEventListener('keydown', (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === '/' && !typing) {
      event.preventDefault();
      input.focus();
    }
  });
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/overview' }, h('span', { class: 'logo' }, 'tsdbt'), h('span', { class: 'project' }, model.graph.project.name)),
    h('div', { class: 'search-box' }, input, results),
    h('nav', { class: 'top-links' }, h('a', { href: '#/overview' }, 'Overview'), h('a', { href: context.lineageHref('') }, 'Lineage')),
  );
}

function notFound(_context: PageContext, what: string): HTMLElement {
  return h(
    'article',
    { class: 'page' },
    h('h1', {}, 'Not found'),
    h('p', {}, `There is no node '${what}' in this project. `, h('a', { href: '#/overview' }, 'Back to the overview'), '.'),
  );
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}
