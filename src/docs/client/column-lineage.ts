/**
 * A column's lineage on a node page: clicking a column name opens a row under it with the columns
 * it is computed from (what `tsdbt check` derived), walked on to the sources by loading the
 * upstream nodes' detail chunks as needed. Kinds read as in `tsdbt lineage`.
 */
import type { SiteColumn, SiteColumnLineage, SiteNode } from '../site-types.js';
import { lineageKindWords } from '../../graph/lineage/kind-words.js';
import { loadChunk } from './chunks.js';
import { h } from './dom.js';
import { displayName, type SiteModel } from './site-model.js';

/** What the lineage row needs of the page (a part of pages.ts' PageContext). */
interface LineageContext {
  model: SiteModel;
  version: string;
  nodeHref(node: SiteNode): string;
}

/** Hops walked and entries drawn at most: a wide project's lineage can fan out a lot. */
const MAX_DEPTH = 12;
const MAX_ENTRIES = 400;

/** The column's name: a button that toggles its lineage row when `tsdbt check` gave it lineage. */
export function columnName(context: LineageContext, column: SiteColumn): HTMLElement {
  const name = h('code', {}, column.name);
  const lineage = column.lineage;
  if (lineage === undefined) return name;
  const button = h('button', { type: 'button', class: 'column-name', 'data-column': column.name, title: 'Show where this column comes from' }, name);
  button.addEventListener('click', () => {
    const row = button.closest('tr')!;
    const open = row.nextElementSibling;
    if (open?.classList.contains('column-lineage')) {
      open.remove();
      button.classList.remove('open');
      return;
    }
    button.classList.add('open');
    const budget = { left: MAX_ENTRIES };
    row.after(
      h(
        'tr',
        { class: 'column-lineage', 'data-column': column.name },
        h('td', { colspan: 3 }, h('div', { class: 'subtle' }, `Where ${column.name} comes from (from tsdbt check):`), tree(context, lineage, 1, budget)),
      ),
    );
  });
  return button;
}

function tree(context: LineageContext, lineage: SiteColumnLineage, depth: number, budget: { left: number }): HTMLElement {
  const list = h('ul', { class: 'lineage-tree' });
  for (const reason of lineage.unknown) list.append(h('li', { class: 'unknown' }, `unknown: ${reason}`));
  if (lineage.upstream.length === 0 && lineage.unknown.length === 0) {
    list.append(h('li', { class: 'subtle' }, 'computed from no column: a constant, or a count of rows'));
  }
  for (const input of lineage.upstream) {
    if (budget.left <= 0) {
      list.append(h('li', { class: 'subtle' }, 'more not shown (run tsdbt lineage for the whole chain)'));
      break;
    }
    budget.left -= 1;
    list.append(entry(context, input, depth, budget));
  }
  return list;
}

function entry(context: LineageContext, input: SiteColumnLineage['upstream'][number], depth: number, budget: { left: number }): HTMLElement {
  const index = context.model.indexOf(input.node);
  const node = index === undefined ? undefined : context.model.nodes[index];
  const label = node === undefined ? h('code', {}, input.node) : h('a', { href: context.nodeHref(node) }, displayName(node));
  const item = h(
    'li',
    { 'data-node': input.node, 'data-column': input.column },
    label,
    '.',
    h('code', {}, input.column),
    ' ',
    h('span', { class: `badge lineage-kind lineage-kind-${input.kind}` }, lineageKindWords(input.kind)),
  );
  // Models have lineage of their own (sources and seeds are where the chain ends).
  if (node !== undefined && node.resourceType === 'model' && depth < MAX_DEPTH) {
    loadChunk(node.chunk, context.version).then(
      (details) => {
        const upstream = details.get(node.uniqueId)?.columns.find((column) => column.name === input.column)?.lineage;
        if (upstream !== undefined && (upstream.upstream.length > 0 || upstream.unknown.length > 0)) item.append(tree(context, upstream, depth + 1, budget));
      },
      (error: unknown) => item.append(h('div', { class: 'warn' }, error instanceof Error ? error.message : String(error))),
    );
  }
  return item;
}
