import { buildManifest } from '../artifacts/manifest.js';
import type { Project } from '../compile/load-project.js';
import type { ProjectNode } from '../compile/nodes.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { ProjectOptions, SelectOptions } from './options.js';
import { resourceTypes } from './ls-recorded.js';
import { selectIds } from './selection.js';

export { RESOURCE_TYPES } from './ls-recorded.js';

export interface LsOptions extends ProjectOptions, SelectOptions {
  /** Only these kinds (`all`, or none given: every kind). */
  resourceType?: string[];
  /** Also return each node's manifest.json entry (`--output json`). */
  withManifestEntries?: boolean;
}

export interface LsEntry {
  node: ProjectNode;
  /** The node's manifest.json entry, when asked for. */
  manifest?: Record<string, unknown>;
}

export interface LsResult extends TaskResult {
  project: Project;
  /** The selected nodes, sorted by unique id. */
  nodes: LsEntry[];
}

/** `tsdbt ls`: the nodes of the project a selection matches. */
export function ls(invocation: Invocation, options: LsOptions = {}): LsResult {
  const types = resourceTypes(options.resourceType);
  const project = openProject(options, invocation);
  const ids = selectIds(project, options, types, invocation.log);
  const manifest = options.withManifestEntries === true ? buildManifest(project) : undefined;
  const nodes = ids.map((id) => ({ node: project.nodes.get(id)!, ...(manifest === undefined ? {} : { manifest: manifestEntry(manifest, id) }) }));
  return { status: 'ok', project, nodes };
}

function manifestEntry(manifest: Record<string, unknown>, id: string): Record<string, unknown> {
  const nodes = manifest['nodes'] as Record<string, Record<string, unknown>>;
  const sources = manifest['sources'] as Record<string, Record<string, unknown>>;
  const exposures = manifest['exposures'] as Record<string, Record<string, unknown>>;
  const unitTests = manifest['unit_tests'] as Record<string, Record<string, unknown>>;
  return nodes[id] ?? sources[id] ?? exposures[id] ?? unitTests[id] ?? {};
}
