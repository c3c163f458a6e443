import type { Adapter } from '../core/adapter-types.js';
import { readLineageFile, staleLineage } from '../artifacts/lineage-file.js';
import { buildManifest } from '../artifacts/manifest.js';
import type { Project } from '../compile/load-project.js';
import type { DeferredRelation } from '../compile/runtime-relation.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { parentsIn } from '../graph/build-graph.js';
import type { ResourceType } from '../graph/node.js';
import { parseSelectorsFile, selectorLookup, type Selectors } from '../graph/select/selectors-file.js';
import { readProjectFile } from '../project/read-file.js';
import { compareManifests, type StateComparison } from '../state/compare.js';
import { deferredRelations, type DeferCandidate } from '../state/defer.js';
import type { ManifestLike } from '../state/manifest-types.js';
import { readSourceLoadTimes, readState, type PreviousState } from '../state/read-state.js';
import type { SourceStatus } from '../graph/select/state.js';
import path from 'node:path';
import type { TaskLog } from './invocation.js';
import type { DeferOptions, SelectOptions } from './options.js';
import { selectOnGraph } from './select-on-graph.js';

export interface Selection {
  /** Unique ids to act on, sorted. */
  ids: string[];
  /** The --state artifacts, when given. */
  state: PreviousState | undefined;
  /** The comparison behind `state:` selectors, when --state was given. */
  comparison: StateComparison | undefined;
}

/** Resolves --select/--exclude/--selector (or the default selector) against the project graph, keeping `resourceTypes`. */
export function selectIds(project: Project, options: SelectOptions, resourceTypes: ResourceType[], log: TaskLog): string[] {
  return resolveSelection(project, options, resourceTypes, log).ids;
}

export function resolveSelection(project: Project, options: SelectOptions & DeferOptions, resourceTypes: ResourceType[], log: TaskLog): Selection {
  // Checked before anything connects or builds.
  if (options.defer === true && options.state === undefined) throw deferNeedsState();
  const state = options.state === undefined ? undefined : readState(options.state);
  const comparison = state === undefined ? undefined : compareManifests(buildManifest(project) as unknown as ManifestLike, state.manifest);
  if (options.ids !== undefined) {
    const kinds = new Set(resourceTypes);
    const ids = options.ids.filter((id) => project.graph.hasNode(id) && kinds.has(project.nodes.get(id)?.resourceType ?? ('' as ResourceType)));
    return { ids: [...ids].sort(), state, comparison };
  }
  const ids = selectOnGraph({
    graph: project.graph,
    options,
    resourceTypes,
    log,
    readSelectors: (required) => {
      const selectors = readSelectors(project, required);
      return selectors === undefined ? undefined : selectorLookup(selectors);
    },
    state: state === undefined ? undefined : { dir: state.dir, comparison, previousResults: state.results, sourceStatus: sourceStatusOf(project, state) },
    columnLineage: () => {
      const lineage = readLineageFile(project);
      return { lineage: lineage ?? new Map(), stale: staleLineage(project, lineage) };
    },
  });
  return { ids, state, comparison };
}

/** This run's target/sources.json against the state's, for `source_status:fresher`; both must exist. */
function sourceStatusOf(project: Project, state: PreviousState | undefined): SourceStatus | undefined {
  if (state?.sourceLoadTimes === undefined) return undefined;
  const label = path.join(project.config.targetPath, 'sources.json');
  const current = readSourceLoadTimes(path.join(project.dir, label), label);
  return current === undefined ? undefined : { current, previous: state.sourceLoadTimes };
}

/** selectors.yml, parsed; undefined when the file is absent and not required. */
function readSelectors(project: Project, required: boolean): Selectors | undefined {
  let text: string;
  try {
    text = readProjectFile(project.dir, 'selectors.yml');
  } catch (error) {
    if (!required && error instanceof TsdbtError && error.code === ErrorCodes.CONFIG_FILE_MISSING) return undefined;
    throw error;
  }
  return parseSelectorsFile(text, 'selectors.yml');
}

/**
 * --defer: points refs to unselected parents at the relations the --state manifest names,
 * unless the parent exists here (any unselected parent, with --favor-state). Without an
 * adapter (compile), existence cannot be checked and every unselected parent is deferred.
 * Returns where each deferred parent is read from (undefined without --defer), for `forRun`.
 */
export async function applyDefer(
  project: Project,
  selection: Selection,
  options: DeferOptions,
  log: TaskLog,
  adapter?: Adapter,
): Promise<ReadonlyMap<string, DeferredRelation> | undefined> {
  if (options.defer !== true) {
    if (options.favorState === true) log.warn('--favor-state has no effect without --defer.');
    return undefined;
  }
  if (selection.state === undefined) throw deferNeedsState();
  const selected = new Set(selection.ids);
  const candidates = new Map<string, DeferCandidate>();
  for (const id of selected) {
    for (const parent of parentsIn(project.graph, id)) {
      const node = project.nodes.get(parent);
      if (node === undefined || selected.has(parent) || node.resourceType === 'source' || !('relation' in node)) continue;
      candidates.set(parent, node as DeferCandidate);
    }
  }
  const favorState = options.favorState === true || adapter === undefined;
  const existing = new Map<string, Set<string>>();
  if (!favorState) {
    for (const schema of new Set([...candidates.values()].map((node) => node.relation.schema))) {
      existing.set(schema, new Set((await adapter!.listRelations(schema)).map((relation) => relation.name)));
    }
  }
  const deferTo = deferredRelations(candidates.values(), selection.state.manifest, {
    selected,
    favorState,
    existsHere: (relation) => existing.get(relation.schema)?.has(relation.identifier) === true,
  });
  if (deferTo.size > 0)
    log.info(`Deferring ${deferTo.size} unselected parent${deferTo.size === 1 ? '' : 's'} to the relations in ${selection.state.dir}/manifest.json.`);
  for (const [id, relation] of deferTo) log.detail(`defer ${id} -> ${relation.schema}.${relation.identifier}`);
  return deferTo;
}

function deferNeedsState(): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.USAGE,
    message: '--defer needs --state: the folder with the manifest.json of the environment to read unselected parents from.',
    hint: 'For example: tsdbt run --select state:modified+ --defer --state prod-artifacts',
  });
}
