import type { Capabilities } from '../core/adapter-types.js';
import type { ProjectLineage } from '../graph/lineage/column-graph.js';
import { bindAdapterCapabilities } from '../template/base-globals.js';
import type { Project } from './load-project.js';
import type { RuntimeRelations } from './runtime-relation.js';

/**
 * What one command learns or makes while it runs, kept beside the parsed project and never in it:
 * the switches that change what `ref()`/`source()` return (--defer, --empty), and the SQL each node
 * compiled to (manifest.json's `compiled_code`, target/compiled/). The parse result stays as
 * parsing left it, so it can be frozen, cached or shared.
 */
export interface RunState extends RuntimeRelations {
  /** Compiled SQL of the nodes this command rendered, by unique id. */
  readonly compiled: Map<string, string>;
  /** Set by `check` and `docs generate`: each model's column lineage, up to date (see artifacts/lineage-file.ts). */
  columnLineage?: ProjectLineage;
}

/** The run state of a project nothing has run on yet: no switches, nothing compiled. */
export function emptyRunState(): RunState {
  return { compiled: new Map() };
}

export interface RunSwitches extends RuntimeRelations {
  /** The connected server's features: `adapter.supports(…)` answers for it from now on. */
  capabilities?: Capabilities | undefined;
}

/**
 * The project as one command runs it: the same parsed nodes with a fresh run state holding
 * `switches`. A new object; the parsed project is not changed.
 */
export function forRun(project: Project, switches: RunSwitches = {}): Project {
  if (switches.capabilities !== undefined) useServerCapabilities(project, switches.capabilities);
  return { ...project, run: { deferTo: switches.deferTo, emptyRefs: switches.emptyRefs, compiled: new Map() } };
}

/**
 * Makes `adapter.supports(…)` answer for the connected server. The template engine is the one
 * run-time object shared with the parse (it holds the compiled templates, which read `adapter`
 * as a global); binding it changes no node, and any command that connects does it, here.
 */
export function useServerCapabilities(project: Pick<Project, 'engine'>, capabilities: Capabilities): void {
  bindAdapterCapabilities(project.engine, capabilities);
}

/** The SQL `node` compiled to in this command (undefined when it was not rendered). */
export function compiledSqlOf(project: Pick<Project, 'run'>, node: { uniqueId: string }): string | undefined {
  return project.run.compiled.get(node.uniqueId);
}

/** Notes the SQL `node` compiled to in this command. */
export function noteCompiled(project: Pick<Project, 'run'>, uniqueId: string, sql: string): void {
  project.run.compiled.set(uniqueId, sql);
}

const graphReaders = new WeakSet<RunState>();

/**
 * Notes that a render of this command read `graph` (every node's config and raw code): its
 * compiled SQL may then change when any other node changes, which a re-compile of one changed
 * model (tasks/compile-patch.ts) must know.
 */
export function noteGraphRead(project: Pick<Project, 'run'>): void {
  graphReaders.add(project.run);
}

/** Whether any render of this command read `graph`. */
export function graphWasRead(project: Pick<Project, 'run'>): boolean {
  return graphReaders.has(project.run);
}
