/**
 * `tsdbt check`: every selected model compiled and analyzed by the real ClickHouse analyzer in a
 * scratch embedded session, against an empty shadow of its sources, seeds and parent models,
 * without building anything. The target is never connected to: the session lives in a fresh
 * temporary folder, deleted at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../adapter/connect.js';
import type { Project } from '../compile/load-project.js';
import type { ModelNode } from '../compile/nodes.js';
import { compileModels } from '../compile/render-model.js';
import { compiledSqlOf, forRun } from '../compile/run-state.js';
import type { Adapter } from '../core/adapter-types.js';
import type { TsdbtError } from '../core/errors.js';
import type { ModelLineage } from '../graph/lineage/column-graph.js';
import { checkDatabase, type CheckColumn } from '../materialize/plan-check.js';
import { criticalPathRank, runDag } from '../runner/dag-scheduler.js';
import { recordLineage, relationIndex, type RelationIndex } from './check-lineage.js';
import { batchedEngine, type CheckEngine, MAX_BATCH } from './check-engine.js';
import { analyzeModel } from './check-model.js';
import { createShadowInputs, type Unshadowed } from './check-shadow.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import { parseThreads, type ProjectOptions, type SelectOptions } from './options.js';
import { resolveSelection } from './selection.js';

export interface CheckOptions extends ProjectOptions, SelectOptions {
  /** --threads: models checked at the same time (default: the machine's CPU count; the target's threads are the server's, not this session's). */
  threads?: string | number;
}

/** One model's answer: `skipped` means not checked (a parent failed, or a source's columns are unknown). */
export interface ModelCheck {
  model: string;
  uniqueId: string;
  status: 'ok' | 'error' | 'skipped';
  /** The model file, relative to the project. */
  file: string;
  /** The line of the model file the error points at, when it could be traced. */
  line?: number | undefined;
  /** The ClickHouse (or rendering) message on one line, or why the model was not checked. */
  message?: string | undefined;
  /** The model's output columns (checked models only). */
  columns: CheckColumn[];
  /** False for an unselected parent, reported because it failed. */
  selected: boolean;
  /** Checked models: the column lineage the analyzer gave, or why it gave none. */
  lineage?: ModelLineage | string | undefined;
}

export interface CheckResult extends TaskResult {
  project: Project;
  /** In graph order: the selected models, and any unselected parent model that failed. */
  models: ModelCheck[];
}

export async function check(invocation: Invocation, options: CheckOptions = {}): Promise<CheckResult> {
  return checkProject(invocation, forRun(openProject(options, invocation)), options);
}

/** `check` of a project already opened for this run (`tsdbt lineage` opens it first to find the column's model). */
export async function checkProject(
  invocation: Invocation,
  project: Project,
  options: SelectOptions & Pick<CheckOptions, 'threads'> = {},
): Promise<CheckResult> {
  const threads = parseThreads(options.threads, os.availableParallelism());
  const selected = new Set(resolveSelection(project, options, ['model'], invocation.log).ids);
  const order = graphOrder(project, upstreamOf(project, selected));
  const modelIds = order.filter((id) => project.models.has(id));
  const renderErrors = compileEach(project, modelIds);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-check-'));
  const outcomes = new Map<string, ModelCheck>();
  let interrupted = false;
  try {
    const adapter = await connect({ type: 'chdb', name: 'check', schema: project.target.schema, threads: 1, settings: {}, path: scratch });
    try {
      const engine = batchedEngine(adapter, threads);
      const unshadowed = await createShadowInputs(
        adapter,
        engine,
        project,
        order.filter((id) => !project.models.has(id)),
      );
      for (const schema of new Set(modelIds.map((id) => project.models.get(id)!.relation.schema))) await adapter.execute(checkDatabase(schema).sql);
      const relations = relationIndex(project);
      const context = { renderErrors, unshadowed, outcomes, selected, relations, engine };
      interrupted = await checkInGraphOrder(adapter, project, modelIds, context, { threads, signal: invocation.signal });
    } finally {
      await adapter.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // In graph order whatever order they finished in, so the output and the artifacts do not depend on timing.
  const checkedInGraphOrder = modelIds.map((id) => outcomes.get(id)).filter((outcome): outcome is ModelCheck => outcome !== undefined);
  const models = checkedInGraphOrder.filter((outcome) => outcome.selected || outcome.status === 'error');
  if (!interrupted) recordLineage(project, checkedInGraphOrder);
  const status = interrupted ? 'interrupted' : models.some((model) => model.status === 'error') ? 'failed' : 'ok';
  return { status, project, models };
}

/**
 * Checks the models, each once its parent models are: models whose parents are checked go at the
 * same time, batched by the engine (check-engine.ts) over --threads lanes, each lane on its own
 * connection of the session. Returns whether it was interrupted.
 */
async function checkInGraphOrder(
  adapter: Adapter,
  project: Project,
  modelIds: readonly string[],
  shared: Omit<ModelContext, 'rank'>,
  { threads, signal }: { threads: number; signal: AbortSignal },
): Promise<boolean> {
  const controller = new AbortController();
  let unexpected: { error: unknown } | undefined;
  let interrupted = false;
  const nodes = modelIds.map((id) => ({ id, parents: project.graph.parentList(id).filter((parent) => project.models.has(parent)) }));
  const children = new Map(nodes.map((node) => [node.id, project.graph.childList(node.id).filter((child) => project.models.has(child))]));
  const context: ModelContext = { ...shared, rank: criticalPathRank(nodes, children) };
  await runDag(
    nodes,
    // Enough models in flight at once to fill every lane's batches; the engine keeps the statements to --threads.
    threads * MAX_BATCH,
    {
      run: async (id) => {
        try {
          context.outcomes.set(id, await checkModel(adapter, project, project.models.get(id)!, context));
          return 'success';
        } catch (error) {
          // Not the model's fault (a model's own errors are its outcome): stop, and throw it once the rest has settled.
          unexpected ??= { error };
          controller.abort();
          return 'failure';
        }
      },
      skip: (_id, reason) => {
        if (reason.stopped === true && unexpected === undefined) interrupted = true;
      },
    },
    AbortSignal.any([signal, controller.signal]),
  );
  if (unexpected !== undefined) throw unexpected.error;
  return interrupted;
}

interface ModelContext {
  renderErrors: ReadonlyMap<string, TsdbtError>;
  unshadowed: Unshadowed;
  outcomes: Map<string, ModelCheck>;
  selected: ReadonlySet<string>;
  relations: RelationIndex;
  engine: CheckEngine;
  /** Each model's longest chain of models to a leaf: its priority in the engine's queue. */
  rank: ReadonlyMap<string, number>;
}

async function checkModel(adapter: Adapter, project: Project, node: ModelNode, context: ModelContext): Promise<ModelCheck> {
  const base = { model: node.name, uniqueId: node.uniqueId, file: node.originalFilePath, columns: [], selected: context.selected.has(node.uniqueId) };
  const renderError = context.renderErrors.get(node.uniqueId);
  if (renderError !== undefined) return { ...base, status: 'error', line: renderError.line, message: oneLine(renderError.message) };
  const blocked = blockedBy(project, node, context);
  if (blocked !== undefined) return { ...base, status: 'skipped', message: blocked };
  const analysis = await analyzeModel(adapter, context.engine, node, compiledSqlOf(project, node) ?? '', context.relations, context.rank.get(node.uniqueId));
  if (analysis.status === 'error') return { ...base, status: 'error', line: analysis.line, message: oneLine(analysis.message) };
  return { ...base, status: 'ok', columns: analysis.columns, lineage: analysis.lineage };
}

/** Why the model cannot be checked: a parent failed or was not checked, or a source's columns are unknown. */
function blockedBy(project: Project, node: ModelNode, context: ModelContext): string | undefined {
  for (const parent of project.graph.parentList(node.uniqueId)) {
    const reason = context.unshadowed.get(parent);
    if (reason !== undefined) return `not checked: ${reason}`;
    const outcome = context.outcomes.get(parent);
    if (outcome === undefined || outcome.status === 'ok') continue;
    return outcome.status === 'error' ? `not checked: parent ${outcome.model} failed` : `not checked: parent ${outcome.model} was not checked`;
  }
  return undefined;
}

/** Renders each model on its own, so one model's Jinja error is that model's failure, not the whole check's. */
function compileEach(project: Project, ids: readonly string[]): Map<string, TsdbtError> {
  const errors = new Map<string, TsdbtError>();
  for (const id of ids) {
    const [first] = compileModels(project, [id]);
    if (first !== undefined) errors.set(id, first);
  }
  return errors;
}

/** The selected models and everything they read from (models, seeds, sources). */
function upstreamOf(project: Project, selected: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...selected];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...project.graph.parentList(id));
  }
  return seen;
}

/** `ids` with every parent before its children (Kahn's order; ties by id, so the order is stable). */
function graphOrder(project: Project, ids: ReadonlySet<string>): string[] {
  const waiting = new Map<string, number>();
  for (const id of ids) waiting.set(id, project.graph.parentList(id).filter((parent) => ids.has(parent)).length);
  const ready = [...ids].filter((id) => waiting.get(id) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const child of project.graph.childList(id)) {
      if (!ids.has(child)) continue;
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
    ready.sort();
  }
  return order;
}

/** A message on one line: ClickHouse quotes the query back over several. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
