/**
 * What the page knows about the project graph, with no DOM: lookups, search by name, and
 * selection with tsdbt's own selector grammar (the same code as `--select`, bundled in).
 * Runs in Node too, so it is unit-tested there.
 */
import { selectNodes } from '../../graph/select/select-nodes.js';
import type { SelectionGraph } from '../../graph/select/selection-graph.js';
import type { SiteGraph, SiteNode } from '../site-types.js';

/** What the lineage leaves out unless asked: tests would double the nodes of most graphs. */
export const HIDDEN_BY_DEFAULT = 'resource_type:test';

export interface Selection {
  /** Indexes into `SiteModel.nodes`. */
  indexes: number[];
  /** Criteria that matched nothing (shown as warnings, like the CLI does). */
  warnings: string[];
}

export class SiteModel {
  readonly nodes: readonly SiteNode[];
  readonly children: number[][];
  private readonly indexById = new Map<string, number>();
  private readonly lowerNames: string[];
  private readonly selectionGraph: SelectionGraph;

  constructor(readonly graph: SiteGraph) {
    this.nodes = graph.nodes;
    this.children = graph.nodes.map(() => []);
    graph.nodes.forEach((node, index) => {
      this.indexById.set(node.uniqueId, index);
      for (const parent of node.parents) this.children[parent]!.push(index);
    });
    this.lowerNames = graph.nodes.map((node) => displayName(node).toLowerCase());
    const nodes = this.nodes;
    const children = this.children;
    const indexById = this.indexById;
    this.selectionGraph = {
      nodes: () => nodes.map((node) => node.uniqueId),
      node: (id) => {
        const index = indexById.get(id);
        return index === undefined ? undefined : nodes[index];
      },
      predecessors: (id) => nodes[indexById.get(id) ?? -1]?.parents.map((index) => nodes[index]!.uniqueId),
      successors: (id) => children[indexById.get(id) ?? -1]?.map((index) => nodes[index]!.uniqueId),
    };
  }

  indexOf(uniqueId: string): number | undefined {
    return this.indexById.get(uniqueId);
  }

  node(uniqueId: string): SiteNode | undefined {
    const index = this.indexById.get(uniqueId);
    return index === undefined ? undefined : this.nodes[index];
  }

  /**
   * Resolves `--select`/`--exclude` text exactly as the CLI does (space = union, comma =
   * intersection, `+`, `@`, `tag:`, `path:`, `config.*:`, `result:` from the last run…).
   * Throws the CLI's TsdbtError for a bad selector; the page shows its message.
   */
  select(select: string, exclude = ''): Selection {
    const warnings: string[] = [];
    const previous = new Map<string, string>();
    for (const node of this.nodes) if (node.lastRun) previous.set(node.uniqueId, node.lastRun.status);
    const ids = selectNodes({
      graph: this.selectionGraph,
      select: select.trim() === '' ? undefined : [select.trim()],
      exclude: exclude.trim() === '' ? undefined : [exclude.trim()],
      previousResults: previous,
      onNoMatch: (warning) => warnings.push(warning.message),
    });
    const indexes = [...ids].map((id) => this.indexById.get(id)!).sort((a, b) => a - b);
    return { indexes, warnings };
  }

  /**
   * The selection for a node's neighbourhood: all its ancestors and descendants (tests left out,
   * unless it is a test), or only two levels each way when that would be more than `limit` nodes.
   */
  neighbourhood(node: SiteNode, limit = 150): { select: string; exclude: string } {
    const name = selectorName(node);
    if (node.resourceType === 'test') return { select: `+${name}`, exclude: '' };
    const near = this.count(this.indexById.get(node.uniqueId)!, limit) <= limit;
    return { select: near ? `+${name}+` : `2+${name}+2`, exclude: HIDDEN_BY_DEFAULT };
  }

  /** Nodes whose name contains `text` (case-insensitive): exact names first, then prefixes, then the rest. */
  search(text: string, limit = 20): SiteNode[] {
    const query = text.trim().toLowerCase();
    if (query === '') return [];
    const scored: Array<[number, number]> = [];
    this.lowerNames.forEach((name, index) => {
      const short = this.nodes[index]!.name.toLowerCase();
      const at = name.indexOf(query);
      if (at === -1) return;
      const score = short === query || name === query ? 0 : short.startsWith(query) || at === 0 ? 1 : 2;
      scored.push([score, index]);
    });
    scored.sort((a, b) => a[0] - b[0] || this.lowerNames[a[1]]!.length - this.lowerNames[b[1]]!.length || a[1] - b[1]);
    return scored.slice(0, limit).map(([, index]) => this.nodes[index]!);
  }

  /** Ancestors plus descendants of one node, stopping early past `stopAt`. */
  private count(start: number, stopAt: number): number {
    let total = 0;
    for (const next of [(index: number) => this.nodes[index]!.parents, (index: number) => this.children[index]!]) {
      const seen = new Set<number>([start]);
      const queue = [start];
      while (queue.length > 0 && total <= stopAt) {
        for (const other of next(queue.shift()!)) {
          if (seen.has(other)) continue;
          seen.add(other);
          queue.push(other);
          total += 1;
        }
      }
    }
    return total;
  }
}

/** How the page names a node: `source.table` for sources, the name otherwise. */
export function displayName(node: SiteNode): string {
  return node.resourceType === 'source' && node.sourceName !== undefined ? `${node.sourceName}.${node.name}` : node.name;
}

/** What to type in a selector to pick exactly this node. */
export function selectorName(node: SiteNode): string {
  return node.resourceType === 'source' && node.sourceName !== undefined ? `source:${node.sourceName}.${node.name}` : node.name;
}
