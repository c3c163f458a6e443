import { qualifiedName } from '../core/sql-literals.js';
import type { TestNode } from '../compile/nodes.js';
import { planTable } from '../materialize/plan-table.js';
import { renderTest } from '../compile/render-test.js';
import { noteCompiled } from '../compile/run-state.js';
import { storedFailuresQuery, testQuery } from '../materialize/test-query.js';
import { testVerdict } from '../testing/test-query.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { renderWithAdapter } from './template-queries.js';
import { errorResult, seconds } from './node-results.js';
import type { NodeResult, TimingInfo } from './results.js';

/**
 * Left joins in tests must give NULL for a missing match, as in every SQL database dbt runs
 * on; ClickHouse gives the type's default (0, '') unless join_use_nulls is on. Without it a
 * `relationships` test could never see an orphan whose key is 0.
 */
export const TEST_QUERY_SETTINGS = { join_use_nulls: 1 } as const;

export interface TestExecutorOptions {
  /** `--store-failures`: keep every test's failing rows, whatever its config says. */
  storeFailures?: boolean;
}

/** Runs data tests: compile the failing-rows query, count them, judge pass/warn/fail. */
export function testExecutor(options: TestExecutorOptions = {}): NodeExecutor {
  return {
    describe: (node) => `test ${node.name}`,
    execute: (node, context) => runTest(node as TestNode, context, options),
    // A warning lets what depends on the tested node go on; a failure does not.
    succeeded: (result) => result.status === 'pass' || result.status === 'warn',
  };
}

async function runTest(node: TestNode, context: ExecutionContext, options: TestExecutorOptions): Promise<NodeResult> {
  const { project, adapter, cache, now } = context;
  const timing: TimingInfo[] = [];
  const started = now();
  // --store-failures acts as the config would, so `should_store_failures()` in test macros agrees (a copy: the parsed node stays as parsed).
  if (options.storeFailures === true) node = { ...node, config: { ...node.config, store_failures: true } };
  const store = node.config.store_failures === true;
  const relationName = store ? qualifiedName(node.relation.schema, node.relation.identifier) : undefined;
  let compiledPath: string | undefined;
  let current: string | undefined;
  try {
    const sql = await renderWithAdapter(adapter, (runQuery) => renderTest(project, node, runQuery), { logger: project.logger, file: node.originalFilePath });
    noteCompiled(project, node.uniqueId, sql);
    compiledPath = context.onCompiled?.(node, sql);
    timing.push({ name: 'compile', started_at: started.toISOString(), completed_at: now().toISOString() });
    const executeStart = now();
    let main = sql;
    if (store) {
      // dbt's store_failures: the failing rows become a table in the audit schema, and the verdict reads it.
      const existing = await cache.existing(node.relation.schema, node.relation.identifier);
      const plan = planTable({ schema: node.relation.schema, identifier: node.relation.identifier, sql, config: {} }, existing, context.planContext);
      try {
        for (const statement of plan.statements) {
          current = statement.sql;
          context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
          await adapter.execute(statement.sql, { settings: { ...TEST_QUERY_SETTINGS, ...statement.settings } });
        }
      } catch (error) {
        for (const statement of plan.cleanup) await adapter.execute(statement.sql).catch(() => undefined);
        cache.invalidate(node.relation.schema);
        throw error;
      }
      await cache.set(node.relation.schema, node.relation.identifier, 'table');
      main = storedFailuresQuery(relationName!);
    }
    current = testQuery(main, node.config);
    context.events?.statement?.({ node, sql: current, purpose: 'count failing rows' });
    const [row] = await adapter.query(current, { settings: { ...TEST_QUERY_SETTINGS }, signal: context.signal });
    const verdict = testVerdict(row, node.config);
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return {
      uniqueId: node.uniqueId,
      status: verdict.status,
      message: verdict.message,
      timing,
      executionTime: seconds(started, now()),
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: {},
      relationName,
      failures: verdict.failures,
      compiledPath,
    };
  } catch (error) {
    return { ...errorResult(node, error, { timing, compileStart: started, now, slot: context.slot, relationName }), failedSql: current, compiledPath };
  }
}
