/**
 * Column lineage across a project: each model's output columns with the upstream columns they
 * are computed from (models, seeds, sources, by unique id), walked upstream to the sources or
 * downstream to every model a column reaches. Pure: built from what `tsdbt check` derived.
 */
import type { LineageKind } from './query-lineage.js';

export interface ColumnInput {
  /** A unique id (`model.p.people`, `source.p.raw.orders`), or `database.table` for a table outside the project. */
  node: string;
  column: string;
  kind: LineageKind;
}

export interface ColumnLineage {
  name: string;
  type: string;
  upstream: ColumnInput[];
  /** What the engine could not trace for this column; empty when fully traced. */
  unknown: string[];
}

export interface ModelLineage {
  /** The model's checksum when it was analyzed: a different one now means the lineage is out of date. */
  checksum: string;
  columns: ColumnLineage[];
  /** Set when the engine gave no lineage for the model at all: why. */
  unknown?: string;
}

/** Models by unique id. Sources and seeds have no entry: they are where the walk ends. */
export type ProjectLineage = ReadonlyMap<string, ModelLineage>;

export interface LineageStep {
  node: string;
  column: string;
  /** How this column feeds the one above it (upstream), or is fed by it (downstream); absent at the start. */
  kind?: LineageKind;
  /** Set when this column's own lineage is not known: why. */
  unknown?: string[];
  /** Cut here because the depth limit was reached (more lies beyond). */
  truncated?: boolean;
  next: LineageStep[];
}

/** A reading of one column; `depth` counts hops (null: to the end). */
export interface WalkOptions {
  direction: 'upstream' | 'downstream';
  depth: number | null;
}

/** The chain from `node.column` to the sources (upstream) or to every model using it (downstream). */
export function walkColumn(lineage: ProjectLineage, node: string, column: string, options: WalkOptions): LineageStep {
  const users = options.direction === 'downstream' ? usersIndex(lineage) : undefined;
  const visit = (at: string, name: string, kind: LineageKind | undefined, depth: number, path: ReadonlySet<string>): LineageStep => {
    const step: LineageStep = { node: at, column: name, next: [] };
    if (kind !== undefined) step.kind = kind;
    const next = users === undefined ? upstreamOf(lineage, at, name, step) : (users.get(key(at, name)) ?? []);
    if (next.length === 0) return step;
    if (options.depth !== null && depth >= options.depth) {
      step.truncated = true;
      return step;
    }
    const here = new Set(path).add(key(at, name));
    for (const input of next) {
      if (here.has(key(input.node, input.column))) continue; // never loops in a DAG; guards a corrupt file
      step.next.push(visit(input.node, input.column, input.kind, depth + 1, here));
    }
    return step;
  };
  return visit(node, column, undefined, 0, new Set());
}

function upstreamOf(lineage: ProjectLineage, node: string, column: string, step: LineageStep): ColumnInput[] {
  const entry = lineage.get(node)?.columns.find((candidate) => candidate.name === column);
  if (entry === undefined) return [];
  if (entry.unknown.length > 0) step.unknown = entry.unknown;
  return entry.upstream;
}

/** For each upstream column, the model columns computed from it (with the kind of use). */
function usersIndex(lineage: ProjectLineage): Map<string, ColumnInput[]> {
  const users = new Map<string, ColumnInput[]>();
  for (const [model, entry] of lineage) {
    for (const column of entry.columns) {
      for (const input of column.upstream) {
        const list = users.get(key(input.node, input.column)) ?? [];
        list.push({ node: model, column: column.name, kind: input.kind });
        users.set(key(input.node, input.column), list);
      }
    }
  }
  for (const list of users.values()) list.sort((a, b) => compare(key(a.node, a.column), key(b.node, b.column)));
  return users;
}

/**
 * The models with a column computed from `node.column`, directly or through other models (at
 * most `depth` hops). Breadth-first over columns, each visited once: a wide project stays linear.
 */
export function modelsDownstreamOfColumn(lineage: ProjectLineage, node: string, column: string, depth: number | null): Set<string> {
  const users = usersIndex(lineage);
  const models = new Set<string>();
  const seen = new Set([key(node, column)]);
  let frontier = [{ node, column }];
  for (let hop = 0; frontier.length > 0 && (depth === null || hop < depth); hop += 1) {
    const following: { node: string; column: string }[] = [];
    for (const at of frontier) {
      for (const user of users.get(key(at.node, at.column)) ?? []) {
        models.add(user.node);
        if (seen.has(key(user.node, user.column))) continue;
        seen.add(key(user.node, user.column));
        following.push(user);
      }
    }
    frontier = following;
  }
  return models;
}

function key(node: string, column: string): string {
  return `${node}\u0000${column}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
