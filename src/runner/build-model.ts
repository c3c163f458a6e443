import { qualifiedName } from '../adapter/sql-literals.js';
import type { ModelNode, ProjectNode } from '../compile/nodes.js';
import { renderModel } from '../compile/render-model.js';
import { planModel } from '../materialize/plan-model.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { errorResult, seconds } from './node-results.js';
import type { NodeResult, TimingInfo } from './results.js';

/** Builds models: render with run-time context, plan against what exists, run the plan, clean up on failure. */
export const modelExecutor: NodeExecutor = {
  describe: (node) => {
    const model = node as ModelNode;
    return `sql ${String(model.config.materialized)} model ${model.relation.schema}.${model.relation.identifier}`;
  },
  execute: (node, context) => buildModel(node as ModelNode, context),
  succeeded: (result) => result.status === 'success',
};

async function buildModel(node: ModelNode, context: ExecutionContext): Promise<NodeResult> {
  const { project, adapter, cache, now } = context;
  const timing: TimingInfo[] = [];
  const compileStart = now();
  const relationName = qualifiedName(node.relation.schema, node.relation.identifier);
  let sql: string;
  let compiledPath: string | undefined;
  try {
    sql = renderModel(project, node, { fullRefresh: context.fullRefresh });
    node.compiledSql = sql;
    compiledPath = context.onCompiled?.(node as ProjectNode, sql);
  } catch (error) {
    return errorResult(node, error, { timing, compileStart, now, slot: context.slot, relationName });
  }
  timing.push({ name: 'compile', started_at: compileStart.toISOString(), completed_at: now().toISOString() });

  const executeStart = now();
  let current: string | undefined;
  try {
    const existing = await cache.existing(node.relation.schema, node.relation.identifier);
    const plan = planModel(node, sql, existing, context.planContext);
    let rows: number | undefined;
    let queryId: string | undefined;
    try {
      for (const statement of plan.statements) {
        current = statement.sql;
        context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
        const response = await adapter.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
        if (response.rowsWritten !== undefined) rows = response.rowsWritten;
        queryId = response.queryId ?? queryId;
      }
    } catch (error) {
      for (const statement of plan.cleanup) {
        context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
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
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: { ...(rows === undefined ? {} : { rows_affected: rows }), ...(queryId === undefined ? {} : { query_id: queryId }), statements: plan.statements.length },
      relationName,
      failures: undefined,
      compiledPath,
    };
  } catch (error) {
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return { ...errorResult(node, error, { timing, compileStart, now, slot: context.slot, relationName }), failedSql: current, compiledPath };
  }
}
