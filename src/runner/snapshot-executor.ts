import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { qualifiedName } from '../core/sql-literals.js';
import type { SnapshotNode } from '../compile/nodes.js';
import { renderSnapshot, runtimeScope } from '../compile/render-model.js';
import { noteCompiled } from '../compile/run-state.js';
import { contextForDatabase } from '../materialize/ddl.js';
import { describeSelectOf } from './snapshot-reads.js';
import { planSnapshot, snapshotStagingSelect, type SnapshotModel } from '../materialize/plan-snapshot.js';
import type { Plan, Statement } from '../materialize/plan.js';
import { runPlan } from './build-model.js';
import { hookTexts, runHooks } from './hooks.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { errorResult, seconds, skippedResult } from './node-results.js';
import type { NodeResult, TimingInfo } from './results.js';
import { renderWithAdapter } from './template-queries.js';

/**
 * Builds snapshots (`tsdbt snapshot`, and `build` in graph order): render the query, run the
 * pre-hooks, read the table's columns and the query's, run the plan of plan-snapshot.ts (which
 * stages the source, counts the changes, and swaps in the new history), then the post-hooks.
 */
export const snapshotExecutor: NodeExecutor = {
  describe: (node) => `snapshot ${(node as SnapshotNode).relation.schema}.${(node as SnapshotNode).relation.identifier}`,
  execute: (node, context) => buildSnapshot(node as SnapshotNode, context),
  succeeded: (result) => result.status === 'success',
};

async function buildSnapshot(node: SnapshotNode, context: ExecutionContext): Promise<NodeResult> {
  const { project, adapter, cache, now } = context;
  const { schema, identifier } = node.relation;
  const relationName = qualifiedName(schema, identifier);
  const timing: TimingInfo[] = [];
  const compileStart = now();
  if (project.run.emptyRefs === true) {
    // --empty makes every ref() and source() read no rows: a snapshot of that would close every current row.
    return skippedResult(node, `Skipped: --empty does not run snapshots (an empty query would close every current row of ${relationName}).`, relationName);
  }
  let sql: string;
  let compiledPath: string | undefined;
  try {
    if (!adapter.capabilities.dateTime64) {
      // The snapshot time is a DateTime64 and the plan's joins are `LEFT ANY JOIN`: said before any statement, not as a SQL error halfway.
      throw new TsdbtError({
        code: ErrorCodes.SNAPSHOT_UNSUPPORTED,
        message: `Snapshot '${node.name}' cannot be built on this server (${adapter.description}): snapshots need ClickHouse 20.1 or later, or chDB.`,
        file: node.originalFilePath,
        line: node.line,
        hint: 'Upgrade the server, or deselect the snapshot (--exclude resource_type:snapshot).',
      });
    }
    sql = await renderWithAdapter(adapter, (runQuery) => renderSnapshot(project, node, { runQuery }), { logger: project.logger, file: node.originalFilePath });
    noteCompiled(project, node.uniqueId, sql);
    compiledPath = context.onCompiled?.(node, sql);
  } catch (error) {
    return errorResult(node, error, { timing, compileStart, now, slot: context.slot, relationName });
  }
  timing.push({ name: 'compile', started_at: compileStart.toISOString(), completed_at: now().toISOString() });
  const executeStart = now();
  let current: string | undefined;
  let statements = 0;
  const run = async (statement: Statement): Promise<void> => {
    current = statement.sql;
    context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
    await adapter.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
    statements += 1;
  };
  const hooks = (kind: 'pre_hook' | 'post_hook') =>
    runSnapshotHooks(kind, node, context, (hookSql) => {
      current = hookSql;
    });
  try {
    statements += await hooks('pre_hook');
    const model: SnapshotModel = { name: node.name, schema, identifier, sql, spec: node.spec, config: node.config };
    const existing = await cache.existing(schema, identifier);
    const tableColumns = existing === 'table' ? await adapter.listColumns(schema, identifier) : [];
    const time = now();
    current = snapshotStagingSelect(model, time);
    const stagedColumns = await describeSelectOf(adapter, current);
    const changes = { newVersions: 0, deletions: 0, written: false };
    const plan = counted(planSnapshot(model, { existing, tableColumns, stagedColumns, now: time }, contextForDatabase(schema, context.planContext)), changes);
    await runPlan(plan, run, {
      read: async (read) => {
        current = read.sql;
        context.events?.statement?.({ node, sql: read.sql, purpose: read.purpose });
        return adapter.query(read.sql, read.params === undefined ? {} : { params: read.params });
      },
      cleanup: async (statement) => {
        context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
        await adapter.execute(statement.sql).catch(() => undefined);
        cache.invalidate(schema);
      },
    });
    await cache.set(schema, identifier, 'table');
    statements += await hooks('post_hook');
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return {
      uniqueId: node.uniqueId,
      status: 'success',
      // As in dbt, --full-refresh never drops a snapshot's history; the result says so rather than pass in silence.
      message: `${changes.written ? `SNAPSHOT ${changes.newVersions} new, ${changes.deletions} deleted` : 'SNAPSHOT no changes'}${context.fullRefresh ? ' (--full-refresh does not rebuild snapshots)' : ''}`,
      timing,
      executionTime: seconds(compileStart, now()),
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: { rows_affected: changes.newVersions, statements },
      relationName,
      failures: undefined,
      compiledPath,
    };
  } catch (error) {
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return { ...errorResult(node, error, { timing, compileStart, now, slot: context.slot, relationName }), failedSql: current, compiledPath };
  }
}

/** The snapshot's pre_hook or post_hook statements, rendered with its run-time context (as a model's). */
function runSnapshotHooks(kind: 'pre_hook' | 'post_hook', node: SnapshotNode, context: ExecutionContext, onSql: (sql: string) => void): Promise<number> {
  return runHooks(hookTexts(node.config[kind]), {
    kind,
    owner: `snapshot '${node.name}'`,
    file: node.originalFilePath,
    adapter: context.adapter,
    project: context.project,
    scope: (runQuery) => runtimeScope(context.project, node, { runQuery }),
    onStatement: (hookSql, purpose) => {
      onSql(hookSql);
      context.events?.statement?.({ node, sql: hookSql, purpose });
    },
  });
}

/** The plan, noting what its read of the changes found (for the result's message). */
function counted(plan: Plan, changes: { newVersions: number; deletions: number; written: boolean }): Plan {
  const next = plan.next;
  if (next === undefined) return plan;
  return {
    ...plan,
    next: {
      read: next.read,
      plan: (rows) => {
        const row = rows[0] ?? {};
        changes.newVersions = Number(row.new_versions ?? 0);
        changes.deletions = Number(row.deletions ?? 0);
        const rest = next.plan(rows);
        changes.written = rest.statements.some((statement) => /^(EXCHANGE|RENAME) /.test(statement.sql));
        return rest;
      },
    },
  };
}
