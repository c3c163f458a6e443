import { qualifiedName } from '../adapter/sql-literals.js';
import type { Adapter } from '../adapter/types.js';
import type { Project } from '../compile/load-project.js';
import type { ModelNode } from '../compile/nodes.js';
import { renderModel } from '../compile/render-model.js';
import { ErrorCodes, TsdbtError } from '../errors.js';
import { parentsIn } from '../graph/build-graph.js';
import { planModel } from '../materialize/plan-model.js';
import type { PlanContext } from '../materialize/plan.js';
import type { RunEvents } from '../report/run-events.js';
import { runDag } from './dag-scheduler.js';
import { RelationCache } from './relation-cache.js';
import type { NodeResult, RunSummary, TimingInfo } from './results.js';

export interface RunModelsOptions {
  /** Model ids to build, in any order; the graph decides the order. */
  ids: readonly string[];
  threads: number;
  fullRefresh?: boolean;
  events?: RunEvents;
  signal?: AbortSignal;
  /** Called with the compiled SQL of each model before it runs (to write target/compiled). */
  onCompiled?: (node: ModelNode, sql: string) => string | undefined;
  now?: () => Date;
}

/** Builds the selected models in dependency order, in parallel, skipping downstream of failures. */
export async function runModels(project: Project, adapter: Adapter, options: RunModelsOptions): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const selected = new Set(options.ids.filter((id) => project.models.has(id)));
  const cache = new RelationCache(adapter);
  const context = planContext(project, adapter);
  const results = new Map<string, NodeResult>();
  const total = selected.size;
  let index = 0;

  const describe = (node: ModelNode) => `sql ${String(node.config.materialized)} model ${node.relation.schema}.${node.relation.identifier}`;

  await runDag(
    [...selected].map((id) => ({ id, parents: parentsIn(project.graph, id).filter((parent) => selected.has(parent)) })),
    Math.max(1, options.threads),
    {
      run: async (id, slot) => {
        const node = project.models.get(id)!;
        const position = ++index;
        options.events?.nodeStart?.({ node, index: position, total, description: describe(node) });
        const result = await buildModel(project, adapter, node, { cache, context, slot, now, options });
        results.set(id, result);
        options.events?.nodeEnd?.({ node, index: position, total, description: describe(node), result });
        return result.status === 'success' ? 'success' : 'failure';
      },
      skip: (id, reason) => {
        const node = project.models.get(id)!;
        const position = ++index;
        const failed = reason.failedParent === undefined ? undefined : project.nodes.get(reason.failedParent)?.name;
        const result = skippedResult(node, reason.stopped ? 'Skipped: the run was interrupted.' : `Skipped because '${failed}' failed.`);
        results.set(id, result);
        options.events?.nodeEnd?.({ node, index: position, total, description: describe(node), result });
      },
    },
    options.signal,
  );

  const ordered = [...results.values()];
  return { results: ordered, elapsedSeconds: (now().getTime() - started.getTime()) / 1000, interrupted: options.signal?.aborted === true };
}

interface BuildContext {
  cache: RelationCache;
  context: PlanContext;
  slot: number;
  now: () => Date;
  options: RunModelsOptions;
}

async function buildModel(project: Project, adapter: Adapter, node: ModelNode, build: BuildContext): Promise<NodeResult> {
  const { cache, context, now, options } = build;
  const timing: TimingInfo[] = [];
  const compileStart = now();
  const relationName = qualifiedName(node.relation.schema, node.relation.identifier);
  let sql: string;
  let compiledPath: string | undefined;
  try {
    sql = renderModel(project, node, { fullRefresh: options.fullRefresh });
    node.compiledSql = sql;
    compiledPath = options.onCompiled?.(node, sql);
  } catch (error) {
    return errorResult(node, error, { timing, compileStart, now, slot: build.slot, relationName });
  }
  timing.push({ name: 'compile', started_at: compileStart.toISOString(), completed_at: now().toISOString() });

  const executeStart = now();
  let current: string | undefined;
  try {
    const existing = await cache.existing(node.relation.schema, node.relation.identifier);
    const plan = planModel(node, sql, existing, context);
    let rows: number | undefined;
    let queryId: string | undefined;
    try {
      for (const statement of plan.statements) {
        current = statement.sql;
        options.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
        const response = await adapter.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
        if (response.rowsWritten !== undefined) rows = response.rowsWritten;
        queryId = response.queryId ?? queryId;
      }
    } catch (error) {
      for (const statement of plan.cleanup) {
        options.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
        await adapter.execute(statement.sql).catch(() => undefined);
      }
      cache.invalidate(node.relation.schema);
      throw error;
    }
    await cache.set(node.relation.schema, node.relation.identifier, node.config.materialized === 'view' ? 'view' : 'table');
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return {
      uniqueId: node.uniqueId,
      status: 'success',
      message: 'OK',
      timing,
      executionTime: seconds(compileStart, now()),
      threadId: `Thread-${build.slot + 1}`,
      adapterResponse: { ...(rows === undefined ? {} : { rows_affected: rows }), ...(queryId === undefined ? {} : { query_id: queryId }), statements: plan.statements.length },
      relationName,
      failures: undefined,
      compiledPath,
    };
  } catch (error) {
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return { ...errorResult(node, error, { timing, compileStart, now, slot: build.slot, relationName }), failedSql: current, compiledPath };
  }
}

function errorResult(
  node: ModelNode,
  error: unknown,
  info: { timing: TimingInfo[]; compileStart: Date; now: () => Date; slot: number; relationName: string },
): NodeResult {
  const tsdbtError =
    error instanceof TsdbtError
      ? error
      : new TsdbtError({ code: ErrorCodes.INTERNAL, message: error instanceof Error ? error.message : String(error), cause: error });
  return {
    uniqueId: node.uniqueId,
    status: 'error',
    message: tsdbtError.message,
    timing: info.timing,
    executionTime: seconds(info.compileStart, info.now()),
    threadId: `Thread-${info.slot + 1}`,
    adapterResponse: {},
    relationName: info.relationName,
    failures: undefined,
    errorCode: tsdbtError.code,
  };
}

function skippedResult(node: ModelNode, message: string): NodeResult {
  return {
    uniqueId: node.uniqueId,
    status: 'skipped',
    message,
    timing: [],
    executionTime: 0,
    threadId: 'main',
    adapterResponse: {},
    relationName: qualifiedName(node.relation.schema, node.relation.identifier),
    failures: undefined,
  };
}

export function planContext(project: Project, adapter: Adapter): PlanContext {
  const target = project.target;
  return {
    cluster: target.type === 'clickhouse' ? target.cluster : undefined,
    databaseEngine: target.type === 'clickhouse' ? target.databaseEngine : undefined,
    exchangeTables: adapter.capabilities.exchangeTables,
    createOrReplaceView: adapter.capabilities.createOrReplaceView,
  };
}

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime())) / 1000;
}
