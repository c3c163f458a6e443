import { contextForDatabase } from './ddl.js';
import type { ExistingRelation, Plan, PlanContext, Statement } from './plan.js';
import { querySettings } from './plan-table.js';
import type { ColumnExtras } from './table-features.js';
import { planDictionary } from './plan-dictionary.js';
import { planDistributedTable } from './plan-distributed-table.js';
import { planIncremental } from './plan-incremental.js';
import { externalTarget, planMaterializedView } from './plan-materialized-view.js';
import { planTable } from './plan-table.js';
import { planView } from './plan-view.js';
import type { Column } from './schema-change.js';
import type { Contract } from './contract.js';

/**
 * The parts of a parsed model that planning reads. compile's ModelNode satisfies it; it is stated here
 * so materialize (below compile) does not import compile.
 */
export interface PlannableModel {
  name: string;
  relation: { schema: string; identifier: string };
  config: Record<string, unknown>;
  /** The YAML columns' codec and ttl (table extras). */
  columns?: ColumnExtras;
}

/**
 * What the database holds for a model, read before planning. Only `existing` is needed for views
 * and tables; the rest is read for the materializations that use it (see `stateNeeds`).
 */
export interface ModelState {
  existing: ExistingRelation;
  /** --full-refresh applies to this model. */
  fullRefresh: boolean;
  /** materialized_view: what holds `<name>_mv`. */
  existingView?: ExistingRelation;
  /** materialized_view: the source it reads that tsdbt rebuilds by swap, if any (see sourceRebuiltBySwap). */
  sourceRebuiltBySwap?: string | undefined;
  /** incremental and materialized_view runs on an existing table: its columns. */
  tableColumns?: readonly Column[];
  /** Columns the model's SELECT returns (incremental runs, materialized views, dictionaries, enforced contracts). */
  queryColumns?: readonly Column[];
  /** The enforced contract, already checked against `queryColumns`: tables are created from it. */
  contract?: Contract;
}

/** Which reads `ModelState` needs beyond `existing`, so the runner asks the database only for those. */
export function stateNeeds(
  node: PlannableModel,
  existing: ExistingRelation,
  fullRefresh: boolean,
  sql = '',
): { view: boolean; tableColumns: boolean; queryColumns: boolean } {
  const onTable = existing === 'table' && !fullRefresh;
  // A view into another model's table: its catch-up INSERT names the SELECT's columns.
  if (node.config.materialized === 'materialized_view' && externalTarget(sql) !== undefined) return { view: false, tableColumns: false, queryColumns: true };
  switch (node.config.materialized) {
    case 'incremental':
      return { view: false, tableColumns: onTable, queryColumns: onTable };
    case 'materialized_view':
      return { view: true, tableColumns: onTable, queryColumns: onTable };
    case 'dictionary':
      return { view: false, tableColumns: false, queryColumns: node.config.fields === undefined };
    case 'distributed_table':
      // The local tables get their columns from the initiator, not from a SELECT run on every host.
      return { view: false, tableColumns: false, queryColumns: true };
    default:
      return { view: false, tableColumns: false, queryColumns: false };
  }
}

/** The plan for one compiled model, chosen by its materialization; the model's query_settings go on every statement. */
export function planModel(node: PlannableModel, sql: string, state: ModelState, databaseContext: PlanContext): Plan {
  return withQuerySettings(planByMaterialization(node, sql, state, databaseContext), querySettings(node.config.query_settings).settings);
}

/**
 * dbt-clickhouse sends query_settings with its INSERTs and DELETEs; tsdbt sends them with every statement of
 * the model (a setting such as max_memory_usage matters as much to a CREATE … AS SELECT or a DESCRIBE).
 * A statement's own settings win over them.
 */
/** A plan built outside planModel (a microbatch batch) with the model's query_settings on every statement. */
export function withModelQuerySettings(node: PlannableModel, plan: Plan): Plan {
  return withQuerySettings(plan, querySettings(node.config.query_settings).settings);
}

function withQuerySettings(plan: Plan, settings: Statement['settings']): Plan {
  if (settings === undefined) return plan;
  const add = (statement: Statement): Statement => ({ ...statement, settings: { ...settings, ...statement.settings } });
  const next = plan.next;
  return {
    statements: plan.statements.map(add),
    cleanup: plan.cleanup.map(add),
    ...(next === undefined ? {} : { next: { read: { ...next.read }, plan: (rows) => withQuerySettings(next.plan(rows), settings) } }),
  };
}

function planByMaterialization(node: PlannableModel, sql: string, state: ModelState, databaseContext: PlanContext): Plan {
  const context = contextForDatabase(node.relation.schema, databaseContext);
  // Only tables and incremental models are created from their contract; the others are only checked.
  const fromContract = state.contract !== undefined && (node.config.materialized === 'table' || node.config.materialized === 'incremental');
  const contract = fromContract ? { contract: state.contract!, queryColumns: state.queryColumns ?? [] } : undefined;
  const model = {
    schema: node.relation.schema,
    identifier: node.relation.identifier,
    sql,
    config: node.config,
    name: node.name,
    columns: node.columns,
    contract,
  };
  const full = { existing: state.existing, fullRefresh: state.fullRefresh, tableColumns: state.tableColumns ?? [], queryColumns: state.queryColumns ?? [] };
  switch (node.config.materialized) {
    case 'table':
      return planTable(model, state.existing, context);
    case 'view':
      return planView(model, state.existing, context);
    case 'incremental':
      return planIncremental(model, full, context);
    case 'materialized_view':
      return planMaterializedView(model, { ...full, existingView: state.existingView, sourceRebuiltBySwap: state.sourceRebuiltBySwap }, context);
    case 'dictionary':
      return planDictionary(model, full, context);
    case 'distributed_table':
      return planDistributedTable(model, state, context);
    case 'ephemeral':
      // Inlined into the models that ref it; nothing to build.
      return { statements: [], cleanup: [] };
    default:
      // checkModelConfig rejects other materializations at parse time.
      throw new Error(`No plan for materialization ${String(node.config.materialized)}`);
  }
}
