/**
 * `tsdbt lineage <model>.<column>`: runs `check` over what the answer needs (the model and its
 * ancestors upstream, or the model and its descendants downstream) and walks the column lineage
 * the analyzer gave, to the sources or to every model the column reaches.
 */
import type { Project } from '../compile/load-project.js';
import { forRun } from '../compile/run-state.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { walkColumn, type LineageStep } from '../graph/lineage/column-graph.js';
import { didYouMean } from '../graph/select/did-you-mean.js';
import { checkProject, type ModelCheck } from './check.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { ProjectOptions } from './options.js';

export interface LineageOptions extends ProjectOptions {
  /** `<model>.<column>`, `<seed>.<column>` or `<source>.<table>.<column>`. */
  column: string;
  direction?: 'upstream' | 'downstream';
  /** Hops to walk; undefined or null: to the end. */
  depth?: number | null;
}

export interface LineageResult extends TaskResult {
  project: Project;
  direction: 'upstream' | 'downstream';
  /** The chain from the column; absent when its model could not be checked. */
  tree?: LineageStep;
  /** Models that failed the check or were not checked: the lineage through them is unknown. */
  problems: ModelCheck[];
}

export async function lineage(invocation: Invocation, options: LineageOptions): Promise<LineageResult> {
  const project = forRun(openProject(options, invocation));
  const direction = options.direction ?? 'upstream';
  const { node, column } = findColumnNode(project, options.column);
  const modelIds = direction === 'upstream' ? [node] : [node, ...descendants(project, node)];
  const checked = await checkProject(invocation, project, { ids: modelIds.filter((id) => project.models.has(id)) });
  const problems = checked.models.filter((model) => model.status !== 'ok');
  if (checked.status === 'interrupted') return { status: 'interrupted', project, direction, problems };
  const own = checked.models.find((model) => model.uniqueId === node);
  if (own !== undefined && own.status !== 'ok') return { status: 'failed', project, direction, problems };
  if (own !== undefined && !own.columns.some((entry) => entry.name === column)) {
    throw unknownColumn(
      `Model '${own.model}' has no output column '${column}'.${didYouMean(
        column,
        own.columns.map((entry) => entry.name),
      )}`,
    );
  }
  const tree = walkColumn(project.run.columnLineage ?? new Map(), node, column, { direction, depth: options.depth ?? null });
  return { status: problems.some((model) => model.status === 'error') ? 'failed' : 'ok', project, direction, tree, problems };
}

/** `model.column` (a model or seed), or `source.table.column`; the column may itself hold dots. */
function findColumnNode(project: Project, text: string): { node: string; column: string } {
  const parts = text.split('.');
  if (parts.length >= 2) {
    const byName = [...project.models.values(), ...project.seeds.values()].filter((node) => node.name === parts[0]);
    if (byName.length === 1) return { node: byName[0]!.uniqueId, column: parts.slice(1).join('.') };
    if (byName.length > 1) throw unknownColumn(`'${parts[0]}' names ${byName.length} models or seeds (in different packages).`);
  }
  if (parts.length >= 3) {
    const source = [...project.sources.values()].find((node) => node.sourceName === parts[0] && node.name === parts[1]);
    if (source !== undefined) return { node: source.uniqueId, column: parts.slice(2).join('.') };
  }
  const names = [...project.models.values(), ...project.seeds.values()].map((node) => node.name);
  throw unknownColumn(`'${text}' is not <model>.<column>, <seed>.<column> or <source>.<table>.<column> of this project.${didYouMean(parts[0] ?? '', names)}`);
}

function descendants(project: Project, id: string): string[] {
  const seen = new Set<string>();
  const stack = [...project.graph.childList(id)];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...project.graph.childList(next));
  }
  return [...seen];
}

function unknownColumn(message: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.LINEAGE_COLUMN_UNKNOWN,
    message,
    hint: 'For example: tsdbt lineage people_per_craft.people --upstream (tsdbt check lists each model with its columns).',
  });
}
