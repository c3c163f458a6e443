import { qualifiedName } from '../core/sql-literals.js';
import { createDatabase, dropTable, engineClause, onCluster, swapIntoPlace } from './ddl.js';
import { createMaterializedView, dropDictionary, modifyQuery } from './ddl-data.js';
import { materializedViewSettings } from './model-settings.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import { buildStatements } from './plan-table.js';
import type { IncrementalModel } from './plan-incremental.js';
import { planSchemaChange, type Column } from './schema-change.js';

/** The materialized view of model `x` is `x_mv`; the model's own name is its target table (dbt-clickhouse's naming). */
export const MV_SUFFIX = '_mv';

export interface MaterializedViewState {
  /** What holds the model's name (the target table). */
  existing: ExistingRelation;
  /** What holds `<name>_mv`. */
  existingView: ExistingRelation;
  fullRefresh: boolean;
  /** Columns of the existing target table. */
  tableColumns: readonly Column[];
  /** Columns the SELECT returns. */
  queryColumns: readonly Column[];
  /**
   * Set when the view's source is a relation tsdbt rebuilds by swap (a `table` model, a seed, a
   * staged incremental): no INSERT went through the view, so the target is rebuilt from the new
   * source. Names that source, for the log.
   */
  sourceRebuiltBySwap?: string | undefined;
}

/**
 * A materialized view writing into a table: the table is the model (what `ref()` reads), the
 * view `<name>_mv` is an insert trigger on the SELECT's source, `CREATE MATERIALIZED VIEW … TO`.
 *
 * - First build: the table is created from the SELECT (the source's existing rows: `backfill`,
 *   on by default) or empty (`backfill: false`), then the view.
 * - Later runs keep the table and its rows. Its columns follow `on_schema_change`; the view's
 *   SELECT is changed in place with `ALTER TABLE … MODIFY QUERY` where the server can, else the
 *   view is dropped and created again (rows inserted in between are not captured).
 * - --full-refresh (or a view in the way, a missing view, a source rebuilt by swap): a new table is
 *   built under a temporary name (with backfill), then the old view is dropped, the new table
 *   swapped in and the view created again.
 *
 * Rows inserted into the source while the table is backfilled and before the view exists are
 * not captured; run builds while the source is quiet (dbt-clickhouse has the same window).
 */
export function planMaterializedView(model: IncrementalModel, state: MaterializedViewState, context: PlanContext): Plan {
  const { settings } = materializedViewSettings(model.config);
  const { schema, identifier } = model;
  const view = `${identifier}${MV_SUFFIX}`;
  const create = createMaterializedView(schema, view, identifier, model.sql, context);
  // A view can only be replaced when nothing else holds its name.
  const clearView = (state.existingView === undefined ? [] : [dropRelation(schema, view, state.existingView, context, `drop the old materialized view ${view}`)]);

  if (state.existing === 'table' && !state.fullRefresh && !needsRebuild(state, settings.backfill)) {
    const schemaChange = planSchemaChange({ schema, identifier, model: model.name }, settings.onSchemaChange, state.tableColumns, state.queryColumns, context);
    const statements: Statement[] = [...schemaChange.statements];
    if (state.existingView === 'materialized_view' && context.alterViewQuery !== false) statements.push(modifyQuery(schema, view, model.sql, context));
    else statements.push(...clearView, create);
    return { statements, cleanup: [] };
  }

  const temp = `${identifier}${TEMP_SUFFIX}`;
  // The old view keeps capturing into the old table until the new table is complete: a run that
  // fails or is killed while filling leaves the previous view and table serving.
  const statements: Statement[] = [
    createDatabase(schema, context),
    dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'),
    ...fillStatements(model, temp, settings.backfill, context),
    ...clearView,
    ...swapIntoPlace(schema, { temp, name: identifier, backup: `${identifier}${BACKUP_SUFFIX}` }, existingKind(state.existing), context),
  ];
  statements.push(create);
  return { statements, cleanup: [dropTable(schema, temp, context, 'remove the temporary table after a failure')] };
}

/**
 * Whether a plain run must rebuild the target with a backfill: its view is missing (a refresh was
 * killed between dropping the old view and creating the new one, so rows landed meanwhile are only
 * in the source), or its source was rebuilt by swap. Without backfill nothing could be restored.
 */
function needsRebuild(state: MaterializedViewState, backfill: boolean): boolean {
  if (!backfill) return false;
  return state.existingView !== 'materialized_view' || state.sourceRebuiltBySwap !== undefined;
}

/** DROP of the right kind. DROP TABLE drops views and materialized views on every server (18.16 has no DROP VIEW). */
export function dropRelation(schema: string, name: string, kind: ExistingRelation, context: PlanContext, purpose: string): Statement {
  return kind === 'dictionary' ? dropDictionary(schema, name, context, purpose) : dropTable(schema, name, context, purpose);
}

/**
 * The target table under `name`: built like a `table` model's (see buildStatements) with backfill,
 * else created empty.
 */
function fillStatements(model: IncrementalModel, name: string, backfill: boolean, context: PlanContext): Statement[] {
  if (backfill) return buildStatements(model, name, context);
  const select = `SELECT * FROM (\n${model.sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  return [{ sql: `CREATE TABLE ${qualifiedName(model.schema, name)}${onCluster(context)}\n${engineClause(model.config)}\nAS\n${select} LIMIT 0`, purpose: 'create the table, empty (backfill: false)' }];
}

/** How swapIntoPlace treats what holds the name. */
export function existingKind(existing: ExistingRelation): 'table' | 'view' | 'other' | undefined {
  if (existing === undefined || existing === 'table' || existing === 'view') return existing;
  return 'other';
}
