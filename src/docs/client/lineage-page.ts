/** The lineage explorer, and the lineage panel the overview and node pages embed. */
import { h } from './dom.js';
import { graphView } from './graph-view.js';
import { layoutLineage } from './layout.js';
import type { PageContext } from './page-parts.js';

/** Above this many nodes the lineage asks before drawing (layout and SVG both grow with it). */
export const MAX_DRAWN = 2000;

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
export function lineagePanel(
  context: PageContext,
  select: string,
  exclude: string,
  focus: number | undefined,
  size: 'mini' | 'full',
  force = false,
): HTMLElement {
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
