import { qualifiedName } from '../core/sql-literals.js';
import { materializationProblems } from '../compile/model-config.js';
import type { Adapter, ExecuteOptions } from '../core/adapter-types.js';
import type { ModelNode, ProjectNode } from '../compile/nodes.js';
import { renderModel, runtimeScope, type RuntimeFlags } from '../compile/render-model.js';
import { compiledSqlOf, noteCompiled } from '../compile/run-state.js';
import { describeSelect } from '../materialize/ddl-data.js';
import { contextForDatabase, createDatabase } from '../materialize/ddl.js';
import type { ExistingRelation, Plan, Statement } from '../materialize/plan.js';
import { isIncrementalRun } from '../materialize/plan-incremental.js';
import { externalTarget, MV_SUFFIX } from '../materialize/plan-materialized-view.js';
import { checkDistributedTarget } from '../materialize/plan-distributed-table.js';
import { planModel, stateNeeds, withModelQuerySettings, type ModelState } from '../materialize/plan-model.js';
import { batchFailure, runMicrobatch, type BatchResults } from './microbatch-batches.js';
import { querySettings } from '../materialize/plan-table.js';
import { mayHaveQualifiedNames, renameOutput, standardNames } from '../materialize/standard-names.js';
import type { Column } from '../materialize/schema-change.js';
import { modelContract } from '../compile/contracts.js';
import type { Contract } from '../materialize/contract.js';
import { checkContract } from './contract-check.js';
import { applyGrants, checkGrantsTarget } from './apply-grants.js';
import { throwCollected, TsdbtError } from '../core/errors.js';
import { hookTexts, runHooks } from './hooks.js';
import { placeInModel, withTypeChangeHint } from './model-error-place.js';
import type { ExecutionContext, NodeExecutor } from './node-executor.js';
import { errorResult, seconds } from './node-results.js';
import type { RelationCache } from './relation-cache.js';
import type { NodeResult, TimingInfo } from './results.js';
import { isLeftover } from './stale-relations.js';
import { sourceRebuiltBySwap } from './swapped-sources.js';
import { renderWithAdapter } from './template-queries.js';

/**
 * Builds models: render with run-time context (is_incremental, run_query), run the pre-hooks, read
 * what the plan depends on, run the plan (cleaning up its temporary relations on failure), then
 * the post-hooks.
 */
export const modelExecutor: NodeExecutor = {
  describe: (node) => {
    const model = node as ModelNode;
    return `sql ${String(model.config.materialized)} model ${model.relation.schema}.${model.relation.identifier}`;
  },
  execute: (node, context) => buildModel(node as ModelNode, context),
  succeeded: (result) => result.status === 'success',
};

/** dbt's should_full_refresh(): the model's `full_refresh` config wins over the --full-refresh flag. */
export function shouldFullRefresh(node: ModelNode, flag: boolean): boolean {
  return typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : flag;
}

async function buildModel(node: ModelNode, context: ExecutionContext): Promise<NodeResult> {
  const { project, adapter, cache, now } = context;
  const { schema, identifier } = node.relation;
  const timing: TimingInfo[] = [];
  const compileStart = now();
  const relationName = qualifiedName(schema, identifier);
  const fullRefresh = shouldFullRefresh(node, context.fullRefresh);
  let sql: string;
  let compiledPath: string | undefined;
  let existing: ExistingRelation;
  let flags: RuntimeFlags;
  const contract = modelContract(node);
  let contractColumns: Column[] | undefined;
  try {
    // Config errors before any SQL: a distributed_table with no cluster must not first fail on a missing source.
    checkBeforeBuilding(node, context);
    existing = node.config.materialized === 'ephemeral' ? undefined : await cache.existing(schema, identifier);
    flags = { fullRefresh, isIncremental: node.config.materialized === 'incremental' && isIncrementalRun(existing, fullRefresh) };
    const runtime = flags;
    sql = await renderWithAdapter(adapter, (runQuery) => renderModel(project, node, { ...runtime, runQuery }), {
      logger: project.logger,
      file: node.originalFilePath,
    });
    noteCompiled(project, node.uniqueId, sql);
    compiledPath = context.onCompiled?.(node as ProjectNode, sql);
    // After the compiled SQL is kept: target/compiled shows the model as written, the relation gets standard names.
    sql = await withStandardNames(node, sql, context);
    // An enforced contract is checked before the hooks and the plan change anything.
    if (contract !== undefined && node.config.materialized !== 'ephemeral') {
      context.events?.statement?.({ node, sql: `DESCRIBE TABLE (${sql})`, purpose: 'check the contract' });
      contractColumns = await checkContract(adapter, node, contract, sql, querySettings(node.config.query_settings).settings);
    }
  } catch (error) {
    return errorResult(node, error, { timing, compileStart, now, slot: context.slot, relationName });
  }
  timing.push({ name: 'compile', started_at: compileStart.toISOString(), completed_at: now().toISOString() });

  const executeStart = now();
  // dbt-clickhouse's connection has the target schema as its database: a model may read `from other_table`.
  const defaultDatabase = project.target.schema;
  let current: string | undefined;
  let statements = 0;
  let rows: number | undefined;
  let queryId: string | undefined;
  let batches: BatchResults | undefined;
  const run = async (statement: Statement): Promise<void> => {
    if (await needless(statement, cache)) return;
    current = statement.sql;
    context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
    // No abort signal: a statement in flight finishes when the run is interrupted.
    const database = statement.purpose === CREATE_DATABASE ? {} : { database: defaultDatabase };
    const response = await adapter.execute(statement.sql, { ...database, ...(statement.settings === undefined ? {} : { settings: statement.settings }) });
    statements += 1;
    if (statement.purpose === CREATE_DATABASE) cache.markDatabaseCreated(statement.sql);
    if (response.rowsWritten !== undefined) rows = response.rowsWritten;
    queryId = response.queryId ?? queryId;
  };
  const hooks = (kind: 'pre_hook' | 'post_hook') =>
    runHooks(hookTexts(node.config[kind]), {
      kind,
      owner: `model '${node.name}'`,
      file: node.originalFilePath,
      adapter,
      project,
      scope: (runQuery) => runtimeScope(project, node, { ...flags, runQuery }),
      onStatement: (hookSql, purpose) => {
        current = hookSql;
        context.events?.statement?.({ node, sql: hookSql, purpose });
      },
    });
  try {
    statements += await hooks('pre_hook');
    if (node.config.materialized !== 'ephemeral') {
      await run(createDatabase(defaultDatabase, contextForDatabase(defaultDatabase, context.planContext)));
      const planIo = {
        read: async (read: NonNullable<Plan['next']>['read']) => {
          current = read.sql;
          context.events?.statement?.({ node, sql: read.sql, purpose: read.purpose });
          return adapter.query(read.sql, read.params === undefined ? {} : { params: read.params });
        },
        cleanup: async (statement: Statement) => {
          context.events?.statement?.({ node, sql: statement.sql, purpose: statement.purpose });
          await adapter.execute(statement.sql).catch(() => undefined);
          cache.invalidate(schema);
        },
      };
      if (isMicrobatch(node)) {
        batches = await runMicrobatch(
          node,
          context,
          { existing, fullRefresh },
          {
            run,
            runPlan: (plan) => runPlan(withModelQuerySettings(node, plan), run, planIo),
            render: (batch) =>
              renderWithAdapter(adapter, (runQuery) => renderModel(project, node, { ...flags, batch, runQuery }), {
                logger: project.logger,
                file: node.originalFilePath,
              }),
            tableColumns: async (table) => (await adapter.listColumns(schema, table)).map((column) => column.name),
          },
        );
      } else {
        const state = await readState(
          node,
          existing,
          fullRefresh,
          sql,
          context,
          contract === undefined ? undefined : { contract, queryColumns: contractColumns ?? [] },
        );
        await runPlan(planModel(node, sql, state, context.planContext), run, planIo);
      }
      await recordBuilt(cache, node, compiledSqlOf(project, node));
      await applyGrants(node, context, run);
    }
    statements += await hooks('post_hook');
    if (batches !== undefined && batches.failed.length > 0) throw batchFailure(batches);
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    return {
      uniqueId: node.uniqueId,
      status: 'success',
      message: node.config.materialized === 'ephemeral' ? 'EPHEMERAL (inlined into the models that ref it)' : 'OK',
      timing,
      executionTime: seconds(compileStart, now()),
      threadId: `Thread-${context.slot + 1}`,
      adapterResponse: { ...(rows === undefined ? {} : { rows_affected: rows }), ...(queryId === undefined ? {} : { query_id: queryId }), statements },
      relationName,
      failures: undefined,
      compiledPath,
      ...(batches === undefined ? {} : { batchResults: { successful: batches.successful, failed: batches.failed } }),
    };
  } catch (error) {
    timing.push({ name: 'execute', started_at: executeStart.toISOString(), completed_at: now().toISOString() });
    const batchResults = batches === undefined ? {} : { batchResults: { successful: batches.successful, failed: batches.failed } };
    // Placed in the model as written (the compiled SQL, before any renaming of qualified output names).
    const placed = inUserTerms(error, node, {
      statement: current,
      sql: compiledSqlOf(project, node) ?? sql,
      compiledPath,
      isIncremental: flags.isIncremental === true,
    });
    return {
      ...errorResult(node, placed, { timing, compileStart, now, slot: context.slot, relationName }),
      failedSql: batches?.failed.length ? undefined : current,
      compiledPath,
      ...batchResults,
    };
  }
}

/** A database error placed in the model file, with the schema-change hint for incremental inserts. */
function inUserTerms(
  error: unknown,
  node: ModelNode,
  info: { statement: string | undefined; sql: string; compiledPath: string | undefined; isIncremental: boolean },
): unknown {
  if (!(error instanceof TsdbtError)) return error;
  const placed = placeInModel(error, info.statement, {
    file: node.originalFilePath,
    rawSql: node.rawSql,
    compiledSql: info.sql,
    compiledPath: info.compiledPath,
  });
  return info.isIncremental ? withTypeChangeHint(placed, { name: node.name, onSchemaChange: node.config.on_schema_change }) : placed;
}

function isMicrobatch(node: ModelNode): boolean {
  return node.config.materialized === 'incremental' && node.config.incremental_strategy === 'microbatch';
}

/** The model's materialization-specific problems (warnings at load), and what the target lacks for it. */
function checkBeforeBuilding(node: ModelNode, context: ExecutionContext): void {
  throwCollected(materializationProblems(node.config, node.originalFilePath, undefined, undefined, { errorsOnly: true }));
  if (node.config.materialized === 'distributed_table') checkDistributedTarget(node.name, context.planContext);
  checkGrantsTarget(node, context);
}

/**
 * Runs a plan and its continuations (a plan may read what it built, then plan on). On failure the
 * cleanup statements of every part that started run, best effort, and the error goes on.
 */
export async function runPlan(
  first: Plan,
  run: (statement: Statement) => Promise<void>,
  io: { read(read: NonNullable<Plan['next']>['read']): Promise<Record<string, unknown>[]>; cleanup(statement: Statement): Promise<void> },
): Promise<void> {
  const cleanup = new Map<string, Statement>();
  let plan: Plan | undefined = first;
  try {
    while (plan !== undefined) {
      for (const statement of plan.cleanup) cleanup.set(statement.sql, statement);
      for (const statement of plan.statements) await run(statement);
      const next: Plan['next'] = plan.next;
      plan = next === undefined ? undefined : next.plan(await io.read(next.read));
    }
  } catch (error) {
    for (const statement of cleanup.values()) await io.cleanup(statement);
    throw error;
  }
}

const CREATE_DATABASE = 'create database';
const LEFTOVER_DROP = /^DROP TABLE IF EXISTS `((?:[^`\\]|\\.)*)`\.`((?:[^`\\]|\\.)*)`/;

/**
 * Statements of a plan that would do nothing in this run, skipped to save a round trip each: a
 * `CREATE DATABASE IF NOT EXISTS` that already ran, and the drop of a temporary or backup
 * relation "left by an earlier run" that the run's relation listing (read after the sweep of
 * leftovers at the start of the run) does not have.
 */
async function needless(statement: Statement, cache: RelationCache): Promise<boolean> {
  if (statement.purpose === CREATE_DATABASE) return cache.databaseCreated(statement.sql);
  if (!statement.purpose.endsWith('left by an earlier run')) return false;
  const match = LEFTOVER_DROP.exec(statement.sql);
  if (match === null) return false;
  const unescapeBackslashes = (text: string) => text.replace(/\\(.)/g, '$1');
  const [database, name] = [unescapeBackslashes(match[1]!), unescapeBackslashes(match[2]!)];
  if (!isLeftover(name)) return false;
  return (await cache.existing(database, name)) === undefined;
}

/** Reads what the plan depends on beyond the relation's kind: columns, the materialized view's kind. */
async function readState(
  node: ModelNode,
  existing: ExistingRelation,
  fullRefresh: boolean,
  sql: string,
  context: ExecutionContext,
  contract?: { contract: Contract; queryColumns: Column[] },
): Promise<ModelState> {
  const needs = stateNeeds(node, existing, fullRefresh, sql);
  const { schema, identifier } = node.relation;
  // The contract check already read the query's columns.
  if (contract !== undefined && needs.queryColumns) needs.queryColumns = false;
  return {
    existing,
    fullRefresh,
    ...(contract === undefined ? {} : { contract: contract.contract, queryColumns: contract.queryColumns }),
    ...(needs.view
      ? { existingView: await context.cache.existing(schema, `${identifier}${MV_SUFFIX}`), sourceRebuiltBySwap: sourceRebuiltBySwap(node, context.project) }
      : {}),
    ...(needs.tableColumns ? { tableColumns: await context.adapter.listColumns(schema, identifier) } : {}),
    ...(needs.queryColumns
      ? { queryColumns: await selectColumns(context.adapter, sql, querySettings(node.config.query_settings).settings, await ensureDefaultDatabase(context)) }
      : {}),
  };
}

/** The columns a SELECT returns, without running it (`DESCRIBE TABLE (…)`, which 18.16 has too). */
async function selectColumns(adapter: Adapter, sql: string, settings: ExecuteOptions['settings'], database: string | undefined): Promise<Column[]> {
  const rows = await adapter.query<{ name: string; type: string }>(describeSelect(sql), {
    ...(settings === undefined ? {} : { settings }),
    ...(database === undefined ? {} : { database }),
  });
  return rows.map((row) => ({ name: row.name, type: row.type }));
}

/**
 * The model's SELECT with ClickHouse's qualified output names (`customers.customer_id`) given their
 * standard SQL names, read with one DESCRIBE for the models that join; see standard-names.ts.
 */
async function withStandardNames(node: ModelNode, sql: string, context: ExecutionContext): Promise<string> {
  if (!mayHaveQualifiedNames(node.config, sql)) return sql;
  const database = await ensureDefaultDatabase(context);
  const names = (await selectColumns(context.adapter, sql, querySettings(node.config.query_settings).settings, database)).map((column) => column.name);
  const renames = standardNames(names);
  if (renames.size === 0) return sql;
  const list = [...renames].map(([from, to]) => `${from} -> ${to}`).join(', ');
  context.project.logger.log(
    'debug',
    'log',
    `${node.name}: renamed ClickHouse's qualified output columns to their standard names (${list}); keep_qualified_names=true keeps them.`,
    { renamed: Object.fromEntries(renames) },
  );
  return renameOutput(sql, names, renames);
}

/** The target schema, created if it does not exist yet (once per run), to be the statements' default database. */
async function ensureDefaultDatabase(context: ExecutionContext): Promise<string> {
  const database = context.project.target.schema;
  const statement = createDatabase(database, contextForDatabase(database, context.planContext));
  if (!context.cache.databaseCreated(statement.sql)) {
    await context.adapter.execute(statement.sql);
    context.cache.markDatabaseCreated(statement.sql);
  }
  return database;
}

/** Keeps the run's relation cache true to what the model now is. */
async function recordBuilt(cache: RelationCache, node: ModelNode, compiledSql: string | undefined): Promise<void> {
  const { schema, identifier } = node.relation;
  switch (node.config.materialized) {
    case 'view':
      return cache.set(schema, identifier, 'view');
    case 'dictionary':
      return cache.set(schema, identifier, 'dictionary');
    case 'materialized_view':
      if (compiledSql !== undefined && externalTarget(compiledSql) !== undefined) return cache.set(schema, identifier, 'materialized_view');
      await cache.set(schema, `${identifier}${MV_SUFFIX}`, 'materialized_view');
      return cache.set(schema, identifier, 'table');
    default:
      return cache.set(schema, identifier, 'table');
  }
}
