import { contextForDatabase } from './ddl.js';
import type { ExistingRelation, Plan, PlanContext } from './plan.js';
import { planDictionary } from './plan-dictionary.js';
import { planDistributedTable } from './plan-distributed-table.js';
import { planIncremental } from './plan-incremental.js';
import { planMaterializedView } from './plan-materialized-view.js';
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
  /** incremental and materialized_view runs on an existing table: its columns. */
  tableColumns?: readonly Column[];
  /** Columns the model's SELECT returns (incremental runs, materialized views, dictionaries, enforced contracts). */
  queryColumns?: readonly Column[];
  /** The enforced contract, already checked against `queryColumns`: tables are created from it. */
  contract?: Contract;
}

/** Which reads `ModelState` needs beyond `existing`, so the runner asks the database only for those. */
export function stateNeeds(node: PlannableModel, existing: ExistingRelation, fullRefresh: boolean): { view: boolean; tableColumns: boolean; queryColumns: boolean } {
  const onTable = existing === 'table' && !fullRefresh;
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

/** The plan for one compiled model, chosen by its materialization. */
export function planModel(node: PlannableModel, sql: string, state: ModelState, databaseContext: PlanContext): Plan {
  const context = contextForDatabase(node.relation.schema, databaseContext);
  // Only tables and incremental models are created from their contract; the others are only checked.
  const fromContract = state.contract !== undefined && (node.config.materialized === 'table' || node.config.materialized === 'incremental');
  const contract = fromContract ? { contract: state.contract!, queryColumns: state.queryColumns ?? [] } : undefined;
  const model = { schema: node.relation.schema, identifier: node.relation.identifier, sql, config: node.config, name: node.name, contract };
  const full = { existing: state.existing, fullRefresh: state.fullRefresh, tableColumns: state.tableColumns ?? [], queryColumns: state.queryColumns ?? [] };
  switch (node.config.materialized) {
    case 'table':
      return planTable(model, state.existing, context);
    case 'view':
      return planView(model, state.existing, context);
    case 'incremental':
      return planIncremental(model, full, context);
    case 'materialized_view':
      return planMaterializedView(model, { ...full, existingView: state.existingView }, context);
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
