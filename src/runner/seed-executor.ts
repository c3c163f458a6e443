import { qualifiedName } from '../core/sql-literals.js';
import type { SeedNode } from '../compile/nodes.js';
import type { Statement } from '../materialize/plan.js';
import { readProjectFile } from '../project/read-file.js';
import { contextForDatabase } from '../materialize/ddl.js';
import { planSeed } from '../materialize/plan-seed.js';
import { readSeedTable } from '../seed/seed-table.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { errorResult, seconds } from './node-results.js';
import type { NodeResult, TimingInfo } from './results.js';

/** Rows per INSERT; one insert per batch keeps memory flat for large seeds. */
const BATCH_ROWS = 10_000;

/** Loads seeds: read and type the CSV, load it into a temporary table, swap it in. */
export const seedExecutor: NodeExecutor = {
  describe: (node) => `seed file ${(node as SeedNode).relation.schema}.${(node as SeedNode).relation.identifier}`,
  execute: (node, context) => loadSeed(node as SeedNode, context),
  succeeded: (result) => result.status === 'success',
};

async function loadSeed(node: SeedNode, context: ExecutionContext): Promise<NodeResult> {
  const { project, adapter, cache, now } = context;
  const { schema, identifier } = node.relation;
  const relationName = qualifiedName(schema, identifier);
  const timing: TimingInfo[] = [];
  const started = now();
  const run = async (statement: Statement) => {
    context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
    await adapter.execute(statement.sql, statement.settings === undefined ? {} : { settings: statement.settings });
  };
  let cleanup: Statement[] = [];
  let current: string | undefined;
  try {
    const table = readSeedTable(readProjectFile(project.dir, node.originalFilePath), {
      name: node.name,
      file: node.originalFilePath,
      delimiter: node.config.delimiter as string | undefined,
      columnTypes: (node.config.column_types ?? {}) as Record<string, string>,
    });
    timing.push({ name: 'compile', started_at: started.toISOString(), completed_at: now().toISOString() });
    const executeStart = now();
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : context.fullRefresh;
    const kind = await cache.existing(schema, identifier);
    const columns = kind === 'table' && !fullRefresh ? await adapter.listColumns(schema, identifier) : undefined;
    const plan = planSeed(
      { name: node.name, schema, identifier, columns: table.columns, config: node.config },
      { kind, columns },
      contextForDatabase(schema, context.planContext),
      fullRefresh,
    );
    cleanup = plan.cleanup;
    for (const statement of plan.prepare) {
      current = statement.sql;
      await run(statement);
    }
    current = plan.load.sql;
    for (let start = 0; start < table.rows.length; start += BATCH_ROWS) {
      await adapter.insert(plan.load.schema, plan.load.table, table.rows.slice(start, start + BATCH_ROWS), { signal: context.signal });
    }
    for (const statement of plan.publish) {
      current = statement.sql;
      await run(statement);
    }
    await cache.set(schema, identifier, 'table');
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return {
      uniqueId: node.uniqueId,
      status: 'success',
      message: `INSERT ${table.rows.length}`,
      timing,
      executionTime: seconds(started, now()),
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: { rows_affected: table.rows.length, statements: plan.prepare.length + plan.publish.length },
      relationName,
      failures: undefined,
    };
  } catch (error) {
    for (const statement of cleanup) await run(statement).catch(() => undefined);
    if (cleanup.length > 0) cache.invalidate(schema);
    return { ...errorResult(node, error, { timing, compileStart: started, now, slot: context.slot, relationName }), failedSql: current };
  }
}
