import { qualifiedName } from '../core/sql-literals.js';
import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import type { ProjectNode } from '../compile/nodes.js';
import type { ResourceType } from '../graph/node.js';
import type { PlanContext } from '../materialize/plan.js';
import type { RunEvents } from './run-events.js';
import { useServerCapabilities } from '../compile/run-state.js';
import { modelExecutor } from './build-model.js';
import { parentsThroughEphemerals } from './ephemeral-parents.js';
import { madeRelationsFile, recordingAdapter } from './made-relations.js';
import { runDag } from './dag-scheduler.js';
import type { MicrobatchRun } from './microbatch-batches.js';
import type { NodeExecutor } from './node-executor.js';
import { skippedResult } from './node-results.js';
import { RelationCache } from './relation-cache.js';
import type { NodeResult, RunSummary } from './results.js';

export interface RunNodesOptions {
  /** Node ids to run, in any order; the graph decides the order. */
  ids: readonly string[];
  threads: number;
  fullRefresh?: boolean;
  events?: RunEvents;
  signal?: AbortSignal;
  /** Called with the compiled SQL of each node before it runs (to write target/compiled). */
  onCompiled?: (node: ProjectNode, sql: string) => string | undefined;
  now?: () => Date;
  /** How to run each kind of node; models are built by default. */
  executors?: Partial<Record<ResourceType, NodeExecutor>>;
  /** `--fail-fast`: after the first failure start nothing more (nodes in flight finish; the rest are skipped). */
  failFast?: boolean;
  /** Extra nodes a node must wait for besides its graph parents (`build`: the tests of what it reads). */
  extraParents?: (id: string) => readonly string[];
  /** Which batches microbatch models run (--event-time-start/--event-time-end, or retry's failed batches). */
  microbatch?: MicrobatchRun;
}

/**
 * Runs the selected nodes in dependency order, in parallel, skipping everything downstream
 * of a failure. Which work a node means is up to the executor of its resource type.
 */
export async function runNodes(project: Project, databaseAdapter: Adapter, options: RunNodesOptions): Promise<RunSummary> {
  // Every temporary or backup relation is recorded before it is created, for the sweep of the next run.
  const adapter = recordingAdapter(databaseAdapter, madeRelationsFile(project.dir, project.target));
  const now = options.now ?? (() => new Date());
  const started = now();
  const executors: Partial<Record<ResourceType, NodeExecutor>> = { model: modelExecutor, ...options.executors };
  const selected = new Set(
    options.ids.filter((id) => {
      const node = project.nodes.get(id);
      // Ephemeral models are not built: they are inlined into the models that ref them.
      return node !== undefined && executors[node.resourceType] !== undefined && node.config.materialized !== 'ephemeral';
    }),
  );
  const cache = new RelationCache(adapter);
  // Tasks bind it in forRun already; a program calling runNodes directly may not have.
  useServerCapabilities(project, adapter.capabilities);
  const context: PlanContext = { ...planContext(project, adapter), databaseEngines: await adapter.databaseEngines?.() };
  const results = new Map<string, NodeResult>();
  const total = selected.size;
  let index = 0;
  const executorOf = (node: ProjectNode) => executors[node.resourceType]!;
  // --fail-fast stops the scheduler the way an interrupt does, but is reported as its own reason.
  let firstFailure: string | undefined;
  const failFast = options.failFast === true ? new AbortController() : undefined;
  const stop = failFast === undefined ? options.signal : options.signal === undefined ? failFast.signal : AbortSignal.any([options.signal, failFast.signal]);

  await runDag(
    [...selected].map((id) => ({
      id,
      parents: [...new Set([...runParents(project, id), ...(options.extraParents?.(id) ?? [])])].filter((parent) => selected.has(parent)),
    })),
    Math.max(1, options.threads),
    {
      run: async (id, slot) => {
        const node = project.nodes.get(id)!;
        const executor = executorOf(node);
        const position = ++index;
        const description = executor.describe(node);
        options.events?.nodeStart?.({ node, index: position, total, description });
        const result = await executor.execute(node, {
          project,
          adapter,
          cache,
          planContext: context,
          slot,
          now,
          fullRefresh: options.fullRefresh === true,
          events: options.events,
          signal: options.signal,
          onCompiled: options.onCompiled,
          microbatch: options.microbatch,
        });
        results.set(id, result);
        options.events?.nodeEnd?.({ node, index: position, total, description, result });
        if (executor.succeeded(result)) return 'success';
        if (failFast !== undefined && firstFailure === undefined) {
          firstFailure = node.name;
          failFast.abort();
        }
        return 'failure';
      },
      skip: (id, reason) => {
        const node = project.nodes.get(id)!;
        const position = ++index;
        const failed = reason.failedParent === undefined ? undefined : project.nodes.get(reason.failedParent)?.name;
        const relation = 'relation' in node ? qualifiedName(node.relation.schema, node.relation.identifier) : undefined;
        const stopped =
          options.signal?.aborted !== true && firstFailure !== undefined
            ? `Skipped: --fail-fast stopped the run after '${firstFailure}' failed.`
            : 'Skipped: the run was interrupted.';
        const result = skippedResult(node, reason.stopped ? stopped : `Skipped because '${failed}' failed.`, relation);
        results.set(id, result);
        options.events?.nodeEnd?.({ node, index: position, total, description: executorOf(node).describe(node), result });
      },
    },
    stop,
  );

  return { results: [...results.values()], elapsedSeconds: (now().getTime() - started.getTime()) / 1000, interrupted: options.signal?.aborted === true };
}

/**
 * What a node waits for: its graph parents. A unit test instead waits for what its model reads
 * (it runs before the model is built, on the types of the model's inputs).
 */
/** What a node waits for: a unit test, what its model reads; anything else, its parents seen through ephemeral models. */
function runParents(project: Project, id: string): string[] {
  const node = project.nodes.get(id);
  return node?.resourceType === 'unit_test' ? parentsThroughEphemerals(project, node.modelId) : parentsThroughEphemerals(project, id);
}

export function planContext(project: Project, adapter: Adapter): PlanContext {
  const target = project.target;
  return {
    cluster: target.type === 'clickhouse' ? target.cluster : undefined,
    databaseEngine: target.type === 'clickhouse' ? target.databaseEngine : undefined,
    exchangeTables: adapter.capabilities.exchangeTables,
    createOrReplaceView: adapter.capabilities.createOrReplaceView,
    lightweightDelete: adapter.capabilities.lightweightDelete,
    alterViewQuery: adapter.capabilities.alterViewQuery,
    mutationsSync: adapter.capabilities.mutationsSync,
    ...(adapter.capabilities.version === undefined ? {} : { serverVersion: adapter.capabilities.version }),
  };
}
