import type { ModelNode } from '../compile/nodes.js';
import { TsdbtError } from '../core/errors.js';
import {
  batchWindows,
  discardRebuilt,
  formatTime,
  microbatchSettings,
  parseTime,
  planBatch,
  planMicrobatchTable,
  publishRebuilt,
  type BatchWindow,
} from '../materialize/microbatch.js';
import { TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from '../materialize/plan.js';
import type { ExecutionContext } from './node-executor.js';

/** How a command asks for batches: --event-time-start/--event-time-end, or the batches `retry` re-runs. */
export interface MicrobatchRun {
  eventTimeStart?: Date | undefined;
  eventTimeEnd?: Date | undefined;
  /** By model unique id: the windows (`[start, end]`, as run_results.json writes them) that failed last time. */
  retryBatches?: Readonly<Record<string, readonly (readonly [string, string])[]>> | undefined;
}

/** What each batch of a microbatch model did, as run_results.json's `batch_results` records it. */
export interface BatchResults {
  successful: [string, string][];
  failed: [string, string][];
  /** The first failure's error, for the node's message. */
  errors: { window: [string, string]; error: unknown }[];
  /** A full refresh with a failed batch was not swapped in (the previous table still serves). */
  discarded?: boolean;
}

export interface MicrobatchIo {
  /** Runs one planned statement (through the model's statement runner). */
  run(statement: Statement): Promise<void>;
  /** Runs a plan and its continuations, cleaning up on failure. */
  runPlan(plan: Plan): Promise<void>;
  /** The model rendered for one batch. */
  render(window: { start: string; end: string }): Promise<string>;
  /** Columns of the table the batches fill (the model's, or the full refresh's new one). */
  tableColumns(identifier: string): Promise<string[]>;
}

/**
 * Builds a microbatch model: creates its table on a first run (or --full-refresh), then runs each
 * batch on its own. A failed batch is recorded and the next one runs, as dbt does; the node fails
 * when any batch did, and `tsdbt retry` runs only those.
 */
export async function runMicrobatch(
  node: ModelNode,
  context: ExecutionContext & { microbatch?: MicrobatchRun | undefined },
  state: { existing: ExistingRelation; fullRefresh: boolean },
  io: MicrobatchIo,
): Promise<BatchResults> {
  const { settings } = microbatchSettings(node.config);
  const planContext: PlanContext = context.planContext;
  const model = { schema: node.relation.schema, identifier: node.relation.identifier, sql: '', config: node.config, columns: node.columns };
  const firstRun = state.existing !== 'table' || state.fullRefresh;
  // A full refresh over an existing relation fills a new table under the temporary name, swapped in at the end.
  const replacing = firstRun && state.existing !== undefined;
  const built = replacing ? { ...model, identifier: `${model.identifier}${TEMP_SUFFIX}` } : model;
  const windows = windowsToRun(node, settings, context.microbatch, firstRun, context.now());
  const text = (window: BatchWindow) => ({ start: formatTime(window.start), end: formatTime(window.end) });
  if (firstRun) {
    const sql = await io.render(text(windows[0] ?? { start: settings.begin ?? context.now(), end: settings.begin ?? context.now() }));
    await io.runPlan(planMicrobatchTable(model, settings, replacing, sql, planContext));
    if (!replacing) await context.cache.set(model.schema, model.identifier, 'table');
  }
  const columns = await io.tableColumns(built.identifier);
  const results: BatchResults = { successful: [], failed: [], errors: [] };
  for (const window of windows) {
    const pair: [string, string] = [formatTime(window.start), formatTime(window.end)];
    try {
      const sql = await io.render(text(window));
      await io.runPlan(planBatch(built, settings, window, columns, sql, planContext));
      results.successful.push(pair);
    } catch (error) {
      if (context.signal?.aborted === true) throw error;
      results.failed.push(pair);
      results.errors.push({ window: pair, error });
    }
  }
  if (replacing && results.failed.length === 0)
    await io.runPlan(publishRebuilt(model, state.existing === 'table' || state.existing === 'view' ? state.existing : 'other', planContext));
  if (replacing && results.failed.length > 0) {
    // Nothing is lost: the old table keeps serving, and retry rebuilds every batch of the full refresh.
    await io.runPlan(discardRebuilt(model, planContext));
    results.failed = [...results.successful, ...results.failed].sort((a, b) => a[0].localeCompare(b[0]));
    results.successful = [];
    results.discarded = true;
  }
  return results;
}

function windowsToRun(
  node: ModelNode,
  settings: ReturnType<typeof microbatchSettings>['settings'],
  run: MicrobatchRun | undefined,
  firstRun: boolean,
  now: Date,
): BatchWindow[] {
  const retry = run?.retryBatches?.[node.uniqueId];
  if (retry !== undefined && retry.length > 0) {
    return retry
      .map(([start, end]) => ({ start: parseTime(start)!, end: parseTime(end)! }))
      .filter((window) => window.start !== undefined && window.end !== undefined);
  }
  return batchWindows(settings, { now, firstRun: firstRun && run?.eventTimeStart === undefined, start: run?.eventTimeStart, end: run?.eventTimeEnd });
}

/** The node's message and error for the batches that failed: each named with its window and its own error. */
export function batchFailure(results: BatchResults): TsdbtError {
  const [first] = results.errors;
  const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const lines = results.errors.map(({ window, error }) => `batch ${window[0]} to ${window[1]}: ${reason(error)}`);
  const base = first?.error instanceof TsdbtError ? first.error : undefined;
  const failed = results.discarded === true ? results.errors.length : results.failed.length;
  const outcome = results.discarded === true ? 'the full refresh was not swapped in, the previous table still serves' : 'the others were built';
  return new TsdbtError({
    code: base?.code ?? 'TSDBT4002',
    message: `${failed} of ${results.failed.length + results.successful.length} batches failed (${outcome}): ${lines.join('; ')}`,
    hint: '`tsdbt retry` runs only the batches that failed.',
  });
}
