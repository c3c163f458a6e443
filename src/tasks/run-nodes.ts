import { connect } from '../adapter/connect.js';
import { writeCompiledSql, writeRunArtifacts } from '../artifacts/write-artifacts.js';
import type { Project } from '../compile/load-project.js';
import { forRun } from '../compile/run-state.js';
import type { Adapter } from '../core/adapter-types.js';
import { embeddedFallbackNotice } from '../config/profiles.js';
import type { TsdbtError } from '../core/errors.js';
import type { ResourceType } from '../graph/node.js';
import { modelExecutor } from '../runner/build-model.js';
import type { NodeExecutor } from '../runner/node-executor.js';
import { runNodes } from '../runner/run-nodes.js';
import type { RunSummary } from '../runner/results.js';
import { seedExecutor } from '../runner/seed-executor.js';
import { snapshotExecutor } from '../runner/snapshot-executor.js';
import { testExecutor } from '../runner/test-executor.js';
import { testBlockers, unitTestBlockers } from '../testing/test-edges.js';
import { unitTestExecutor } from '../runner/unit-test-executor.js';
import { compiledPathOf } from './compiled-path.js';
import type { Invocation, TaskResult, TaskStatus } from './invocation.js';
import { ensureSourcesLanded } from './land-sources.js';
import { openProject } from './open-project.js';
import { microbatchOptions, parseThreads, type DeferOptions, type ExecutionOptions, type ProjectOptions, type SelectOptions } from './options.js';
import { afterNodes, beforeNodes } from './project-hooks.js';
import { applyDefer, resolveSelection, type Selection } from './selection.js';

/** The options of `run`, `build`, `seed`, `test` and `snapshot` (each command's CLI offers the ones that apply to it). */
export interface RunNodesOptions extends ProjectOptions, SelectOptions, DeferOptions, ExecutionOptions {
  /** `test`, `build`: keep every test's failing rows in a table. */
  storeFailures?: boolean;
  /** `run`, `build`: do not fetch the before_run sources first (landing tables are still made). */
  skipIngest?: boolean;
  /** `run`: a before_run source that cannot be ingested fails the command. */
  failOnIngestError?: boolean;
}

export type NodesCommand = 'run' | 'build' | 'seed' | 'test' | 'snapshot';

export interface RunNodesResult extends TaskResult {
  command: NodesCommand;
  project: Project;
  /** Unique ids selected, sorted. */
  selected: string[];
  /** undefined when the selection matched nothing (then nothing connected or ran). */
  summary: RunSummary | undefined;
  /** An on-run-end hook that failed (the run's artifacts were still written). */
  endHookError: TsdbtError | undefined;
  /** A before_run source could not be ingested (the models built from what was landed before). */
  ingestFailed: boolean;
  /** Wall time of the whole task. */
  seconds: number;
}

/** What each command runs and how it fetches sources first. */
interface CommandShape {
  types: readonly ResourceType[];
  /** For "Nothing to do: the selection matched no …". */
  noun: string;
  /** The `Found …` line. */
  inventory(project: Project): string;
  /** Make landing tables (and fetch before_run sources unless skipped); `seed` reads no sources. */
  landSources: boolean;
  /** Fetch the before_run sources upstream of the selection. */
  fetchBeforeRun: boolean;
  executors(options: RunNodesOptions): Partial<Record<ResourceType, NodeExecutor>>;
}

const allKinds = (options: RunNodesOptions) => ({
  seed: seedExecutor,
  model: modelExecutor,
  snapshot: snapshotExecutor,
  test: testExecutor({ storeFailures: options.storeFailures }),
  unit_test: unitTestExecutor,
});

const COMMANDS: Record<NodesCommand, CommandShape> = {
  run: { types: ['model'], noun: 'models', inventory: modelInventory, landSources: true, fetchBeforeRun: true, executors: () => ({ model: modelExecutor }) },
  seed: { types: ['seed'], noun: 'seeds', inventory, landSources: false, fetchBeforeRun: false, executors: allKinds },
  test: { types: ['test', 'unit_test'], noun: 'tests', inventory, landSources: true, fetchBeforeRun: false, executors: allKinds },
  snapshot: { types: ['snapshot'], noun: 'snapshots', inventory, landSources: true, fetchBeforeRun: false, executors: allKinds },
  build: {
    types: ['seed', 'model', 'snapshot', 'test', 'unit_test'],
    noun: 'seeds, models, snapshots or tests',
    inventory,
    landSources: true,
    fetchBeforeRun: true,
    executors: allKinds,
  },
};

/** `tsdbt run`: build the selected models in dependency order. */
export function run(invocation: Invocation, options: RunNodesOptions = {}): Promise<RunNodesResult> {
  return runSelectedNodes('run', invocation, options);
}

/** `tsdbt build`: seeds, models and tests in one pass; a failing test skips what depends on the node it tests. */
export function build(invocation: Invocation, options: RunNodesOptions = {}): Promise<RunNodesResult> {
  return runSelectedNodes('build', invocation, options);
}

/** `tsdbt seed`: load the selected CSV files. */
export function seed(invocation: Invocation, options: RunNodesOptions = {}): Promise<RunNodesResult> {
  return runSelectedNodes('seed', invocation, options);
}

/** `tsdbt test`: run the selected data tests. */
export function test(invocation: Invocation, options: RunNodesOptions = {}): Promise<RunNodesResult> {
  return runSelectedNodes('test', invocation, options);
}

/**
 * The one flow behind run, build, seed and test: open the project, select, connect, land
 * sources, defer, on-run-start hooks, run the DAG, on-run-end hooks, write manifest.json and
 * run_results.json. Errors anywhere before the nodes run are thrown (TsdbtError).
 */
export async function runSelectedNodes(command: NodesCommand, invocation: Invocation, options: RunNodesOptions): Promise<RunNodesResult> {
  const shape = COMMANDS[command];
  const started = invocation.now().getTime();
  const log = invocation.log;
  const parsed = openProject(options, invocation);
  const selection = resolveSelection(parsed, options, [...shape.types], log);
  const ids = selection.ids;
  const threads = parseThreads(options.threads, parsed.target.threads);
  log.info(shape.inventory(parsed));
  const elapsed = () => (invocation.now().getTime() - started) / 1000;
  const result = (project: Project, summary: RunSummary | undefined, extra: Partial<RunNodesResult> = {}): RunNodesResult => ({
    status: 'ok',
    command,
    project,
    selected: ids,
    summary,
    endHookError: undefined,
    ingestFailed: false,
    seconds: elapsed(),
    ...extra,
  });
  if (ids.length === 0) {
    log.warn(`Nothing to do: the selection matched no ${shape.noun}.`);
    // dbt writes run_results.json with no results too, so a later `retry` or tool reads this run, not an older one.
    const project = forRun(parsed, { emptyRefs: options.empty === true });
    writeRunArtifacts(project, { results: [], elapsedSeconds: elapsed(), interrupted: false }, command, options);
    return result(project, undefined);
  }
  const adapter = await connect(parsed.target, { projectDir: parsed.dir, logger: invocation.logger });
  let ran: Ran;
  try {
    log.info(`Concurrency: ${threads} threads (target='${parsed.target.name}', ${adapter.description})`);
    if (parsed.profilesFile === undefined) log.info(embeddedFallbackNotice(parsed.dir, parsed.target, invocation.env));
    ran = await runConnected(command, invocation, options, { parsed, selection, adapter, threads });
  } finally {
    await adapter.close();
  }
  const { project, summary, endHookError, ingestFailed } = ran;
  writeRunArtifacts(project, summary, command, options);
  const failOnIngest = command === 'run' && options.failOnIngestError === true;
  return result(project, summary, { status: statusOf(summary, endHookError, ingestFailed && failOnIngest), endHookError, ingestFailed });
}

interface Ran {
  /** The project as this command ran it (its run state holds the compiled SQL). */
  project: Project;
  summary: RunSummary;
  endHookError: TsdbtError | undefined;
  ingestFailed: boolean;
}

/** Once connected: land sources, defer, hooks around the DAG. */
async function runConnected(
  command: NodesCommand,
  invocation: Invocation,
  options: RunNodesOptions,
  { parsed, selection, adapter, threads }: { parsed: Project; selection: Selection; adapter: Adapter; threads: number },
): Promise<Ran> {
  const shape = COMMANDS[command];
  const log = invocation.log;
  const ids = selection.ids;
  let ingestFailed = false;
  // Models and source tests read landing tables, which must exist even before any ingest;
  // --skip-ingest only skips the fetching.
  if (shape.landSources) {
    const fetchFor = shape.fetchBeforeRun && options.skipIngest !== true ? ids : [];
    ingestFailed = !(await ensureSourcesLanded(parsed, adapter, log, invocation.signal, fetchFor));
  }
  log.info('');
  const deferTo = await applyDefer(parsed, selection, options, log, adapter);
  // From here on the project carries this run's switches; the parsed one stays as parsed.
  const project = forRun(parsed, { deferTo, emptyRefs: options.empty === true, capabilities: adapter.capabilities });
  const blockers = command === 'build' ? testBlockers(project.graph, new Set(ids)) : undefined;
  // build: a model waits for its unit tests, so a failing one skips the model and what reads it.
  const unitBlockers = command === 'build' ? unitTestBlockers(project.graph, new Set(ids)) : undefined;
  await beforeNodes(project, adapter, log);
  const summary = await runNodes(project, adapter, {
    ids,
    threads,
    fullRefresh: options.fullRefresh,
    failFast: options.failFast,
    microbatch: microbatchOptions(options),
    signal: invocation.signal,
    now: invocation.now,
    executors: shape.executors(options),
    extraParents: blockers === undefined ? undefined : (id) => [...(blockers.get(id) ?? []), ...(unitBlockers?.get(id) ?? [])],
    onCompiled: (node, sql) => writeCompiledSql(project, compiledPathOf(node), sql),
    events: {
      nodeStart: invocation.events.nodeStart,
      nodeEnd: invocation.events.nodeEnd,
      // The SQL itself is logged by the adapter (connect's logger), right after this line.
      statement: (event) => {
        log.detail(`${event.node.name}: ${event.purpose}`);
        invocation.events.statement?.(event);
      },
    },
  });
  const endHookError = summary.interrupted ? undefined : await afterNodes(project, adapter, log, summary.results);
  return { project, summary, endHookError, ingestFailed };
}

/** Interrupted wins; then any node that errored or failed, a failed on-run-end hook, or a required ingest that failed. */
function statusOf(summary: RunSummary, endHookError: TsdbtError | undefined, ingestFailure: boolean): TaskStatus {
  if (summary.interrupted) return 'interrupted';
  if (summary.results.some((one) => one.status === 'error' || one.status === 'fail')) return 'failed';
  return endHookError !== undefined || ingestFailure ? 'failed' : 'ok';
}

/** `Found 5 models, 1 sources, 12 macros` (`tsdbt run`'s line). */
function modelInventory(project: Project): string {
  return `Found ${project.models.size} models, ${project.sources.size} sources, ${project.engine.macroNames().length} macros`;
}

/** `5 models, 3 seeds, 20 data tests, 1 source, 12 macros`. */
function inventory(project: Project): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const counts = [
    count(project.models.size, 'model'),
    count(project.seeds.size, 'seed'),
    ...(project.snapshots.size > 0 ? [count(project.snapshots.size, 'snapshot')] : []),
    count(project.tests.size, 'data test'),
    count(project.unitTests.size, 'unit test'),
    count(project.sources.size, 'source'),
    count(project.engine.macroNames().length, 'macro'),
  ];
  return `Found ${counts.join(', ')}`;
}
