/**
 * The project tree (Sources by source, Models by folder). Folders render their children only
 * when opened, and long folders in slices, so a 10,000-model project costs nothing up front.
 */
import type { SiteNode } from '../site-types.js';
import { h } from './dom.js';
import type { PageContext } from './page-parts.js';
import type { SiteModel } from './site-model.js';

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  leaves: number[];
}

export function projectTree(context: PageContext): { element: HTMLElement; reveal(node: SiteNode | undefined): void } {
  const { model } = context;
  const roots = foldersOf(model);
  const links = new Map<number, HTMLAnchorElement>();
  const openers = new Map<Folder, () => void>();
  const SLICE = 300;

  const renderFolder = (folder: Folder, depth: number, open: boolean): HTMLElement => {
    const list = h('ul', { class: 'tree-children' });
    let rendered = false;
    const fill = () => {
      if (rendered) return;
      rendered = true;
      for (const child of [...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name)))
        list.append(h('li', { class: 'folder-item' }, renderFolder(child, depth + 1, model.nodes.length <= 60)));
      const leaves = [...folder.leaves].sort((a, b) => model.nodes[a]!.name.localeCompare(model.nodes[b]!.name));
      const addSlice = (from: number) => {
        for (const index of leaves.slice(from, from + SLICE)) {
          const node = model.nodes[index]!;
          const link = h(
            'a',
            { href: context.nodeHref(node), class: `leaf kind-${node.kind}`, title: node.summary || node.originalFilePath },
            h('i', { class: 'dot' }),
            node.name,
          );
          links.set(index, link);
          list.append(h('li', {}, link));
        }
        if (leaves.length > from + SLICE) {
          const more = h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'more', onclick: () => (more.remove(), addSlice(from + SLICE)) },
              `show ${Math.min(SLICE, leaves.length - from - SLICE)} more of ${leaves.length - from - SLICE}`,
            ),
          );
          list.append(more);
        }
      };
      addSlice(0);
      // A node past the first slices is revealed by showing all of them.
      openers.set(folder, () => {
        while (list.lastElementChild?.querySelector('button.more')) (list.lastElementChild.querySelector('button.more') as HTMLButtonElement).click();
      });
    };
    const details = h(
      'details',
      { class: `tree-folder depth-${depth}` },
      h('summary', {}, folder.name, h('span', { class: 'count' }, String(countLeaves(folder)))),
      list,
    );
    details.addEventListener('toggle', () => details.open && fill());
    if (open) {
      details.open = true;
      fill();
    }
    (details as unknown as { folder: Folder }).folder = folder;
    return details;
  };
  const element = h(
    'div',
    { class: 'tree' },
    [...roots.values()]
      .sort((a, b) => (a.name === 'Sources' ? -1 : b.name === 'Sources' ? 1 : a.name.localeCompare(b.name)))
      .map((root) => renderFolder(root, 0, true)),
  );
  let current: HTMLAnchorElement | undefined;
  return {
    element,
    reveal(node) {
      current?.classList.remove('current');
      current = undefined;
      if (node === undefined) return;
      const index = model.indexOf(node.uniqueId)!;
      const path = treePath(node);
      let scope: Element = element;
      for (const name of path) {
        const folder = [...scope.querySelectorAll(':scope > details, :scope > ul > li > details')].find(
          (one) => (one as unknown as { folder: Folder }).folder?.name === name,
        ) as HTMLDetailsElement | undefined;
        if (folder === undefined) return;
        if (!folder.open) folder.open = true;
        folder.dispatchEvent(new Event('toggle'));
        scope = folder;
      }
      if (!links.has(index)) {
        const folder = (scope as unknown as { folder: Folder }).folder;
        openers.get(folder)?.();
      }
      current = links.get(index);
      current?.classList.add('current');
      current?.scrollIntoView({ block: 'nearest' });
    },
  };
}

function countLeaves(folder: Folder): number {
  let total = folder.leaves.length;
  for (const child of folder.folders.values()) total += countLeaves(child);
  return total;
}

/** The folders of the tree, each node a leaf in the folder of its path. */
function foldersOf(model: SiteModel): Map<string, Folder> {
  const roots = new Map<string, Folder>();
  const folderOf = (path: string[]) => {
    let level = roots;
    let folder: Folder | undefined;
    for (const name of path) {
      folder = level.get(name);
      if (folder === undefined) {
        folder = { name, folders: new Map(), leaves: [] };
        level.set(name, folder);
      }
      level = folder.folders;
    }
    return folder!;
  };
  model.nodes.forEach((node, index) => {
    const path = treePath(node);
    folderOf(path).leaves.push(index);
  });
  return roots;
}

/** A node's place in the tree: its source, or its resource type and folders. */
function treePath(node: SiteNode): string[] {
  return node.resourceType === 'source' ? ['Sources', node.sourceName ?? '?'] : [`${capitalize(node.resourceType)}s`, ...node.fqn.slice(1, -1)];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
