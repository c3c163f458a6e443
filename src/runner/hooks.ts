import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import type { QueryTable } from '../compile/query-results.js';
import { statementFunctions } from '../compile/query-results.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { isPlainObject } from '../config/value-checks.js';
import type { Scope } from '../template/template-engine.js';
import type { NodeResult } from './results.js';
import { renderWithAdapter } from './template-queries.js';

/** Hooks as dbt writes them: a SQL string, `{sql: '…'}`, or a list of those. */
export function hookTexts(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(hookTexts);
  if (isPlainObject(value) && typeof value.sql === 'string') return [value.sql];
  return [String(value)];
}

export interface HookRun {
  /** `pre_hook`, `post_hook`, `on-run-start`, `on-run-end`. */
  kind: string;
  /** Whose hooks: `model 'people'`, `the project`. */
  owner: string;
  /** Where the hooks are written, for errors. */
  file: string;
  adapter: Adapter;
  project: Project;
  /** The names the hook sees, given the run_query of this render. */
  scope: (runQuery: (sql: string) => QueryTable) => Scope;
  locals?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Told each statement before it runs. */
  onStatement?: (sql: string, purpose: string) => void;
}

/**
 * Renders and runs hooks in order, each as one statement (a hook that renders to nothing, e.g. one
 * that only calls a macro using run_query, runs nothing). Stops at the first failure with HOOK_FAILED.
 * Returns the statements run.
 */
export async function runHooks(hooks: readonly string[], run: HookRun): Promise<number> {
  let statements = 0;
  for (const [index, text] of hooks.entries()) {
    const where = `${run.kind} ${hooks.length === 1 ? '' : `${index + 1} of ${hooks.length} `}of ${run.owner}`;
    try {
      const sql = await renderWithAdapter(run.adapter, (runQuery) => run.project.engine.renderString(text, run.scope(runQuery), run.file, run.locals ?? {}), {
        logger: run.project.logger,
        file: run.file,
        signal: run.signal,
      });
      const statement = sql.trim().replace(/;+\s*$/, '');
      if (statement === '') continue;
      run.onStatement?.(statement, where);
      await run.adapter.execute(statement, run.signal ? { signal: run.signal } : {});
      statements += 1;
    } catch (error) {
      const cause = error instanceof TsdbtError ? error : undefined;
      throw new TsdbtError({
        code: cause?.code === ErrorCodes.SQL_ERROR || cause === undefined ? ErrorCodes.HOOK_FAILED : cause.code,
        message: `The ${where} failed: ${error instanceof Error ? error.message : String(error)}`,
        file: cause?.file ?? run.file,
        line: cause?.line,
        hint: cause?.hint ?? 'Fix the hook, or run the statement by hand to see the whole error (--debug prints it).',
        cause: error,
      });
    }
  }
  return statements;
}

/**
 * The project's `on-run-start` / `on-run-end` hooks. They see run_query, statement, the `target`,
 * and (on-run-end) `results`, one record per node with dbt's field names, and `schemas`.
 */
export function runProjectHooks(
  project: Project,
  adapter: Adapter,
  which: 'on-run-start' | 'on-run-end',
  options: { results?: readonly NodeResult[]; schemas?: readonly string[]; signal?: AbortSignal; onStatement?: (sql: string, purpose: string) => void } = {},
): Promise<number> {
  const hooks = which === 'on-run-start' ? project.config.onRunStart : project.config.onRunEnd;
  const schemas = options.schemas ?? [...new Set([...project.models.values()].map((model) => model.relation.schema))].sort();
  return runHooks(hooks, {
    kind: which,
    owner: 'the project',
    file: project.config.file,
    adapter,
    project,
    signal: options.signal,
    onStatement: options.onStatement,
    scope: (runQuery) => ({ run_query: runQuery, ...statementFunctions(runQuery), execute: true }),
    locals: {
      results: (options.results ?? []).map((result) => resultContext(project, result)),
      schemas,
      database_schemas: schemas.map((schema) => [schema, schema]),
    },
  });
}

/** One run result as on-run-end hooks see it (dbt's RunResult fields templates read). */
function resultContext(project: Project, result: NodeResult): Record<string, unknown> {
  const node = project.nodes.get(result.uniqueId);
  return {
    status: result.status,
    message: result.message,
    execution_time: result.executionTime,
    adapter_response: result.adapterResponse,
    failures: result.failures ?? null,
    unique_id: result.uniqueId,
    node:
      node === undefined
        ? { unique_id: result.uniqueId }
        : {
            unique_id: node.uniqueId,
            name: node.name,
            resource_type: node.resourceType,
            schema: 'relation' in node ? node.relation.schema : undefined,
            alias: 'relation' in node ? node.relation.identifier : undefined,
            config: node.config,
          },
  };
}
