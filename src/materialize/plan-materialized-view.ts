import { qualifiedName } from '../core/sql-literals.js';
import { createDatabase, dropTable, engineClause, onCluster, swapIntoPlace } from './ddl.js';
import { createMaterializedView, dropDictionary, insertSelect, modifyQuery } from './ddl-data.js';
import { requireVersion } from './table-features.js';
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
  const refresh = refreshClause(settings, context);
  const external = externalTarget(model.sql);
  if (external !== undefined) return planViewIntoTable(model, state, external, settings.backfill, refresh, context);
  const { schema, identifier } = model;
  const view = `${identifier}${MV_SUFFIX}`;
  const create = createMaterializedView(schema, view, identifier, model.sql, context, refresh);
  // A view can only be replaced when nothing else holds its name.
  const clearView = state.existingView === undefined ? [] : [dropRelation(schema, view, state.existingView, context, `drop the old materialized view ${view}`)];

  if (state.existing === 'table' && !state.fullRefresh && !needsRebuild(state, settings.backfill)) {
    const schemaChange = planSchemaChange({ schema, identifier, model: model.name }, settings.onSchemaChange, state.tableColumns, state.queryColumns, context);
    const statements: Statement[] = [...schemaChange.statements];
    // A refreshable view is created again (its schedule may have changed too); the table keeps its rows.
    if (state.existingView === 'materialized_view' && context.alterViewQuery !== false && refresh === undefined)
      statements.push(modifyQuery(schema, view, model.sql, context));
    else statements.push(...clearView, create);
    return { statements, cleanup: [] };
  }

  const temp = `${identifier}${TEMP_SUFFIX}`;
  // The old view keeps capturing into the old table until the new table is complete: a run that
  // fails or is killed while filling leaves the previous view and table serving.
  const statements: Statement[] = [
    createDatabase(schema, context),
    dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'),
    // Filled under the temporary name while the old view still captures; only then is the old view dropped.
    // A refreshable view fills the table itself when it is created.
    ...fillStatements(model, temp, settings.backfill && refresh === undefined, context),
    ...clearView,
    ...swapIntoPlace(schema, { temp, name: identifier, backup: `${identifier}${BACKUP_SUFFIX}` }, existingKind(state.existing), context),
  ];
  statements.push(create);
  return { statements, cleanup: [dropTable(schema, temp, context, 'remove the temporary table after a failure')] };
}

/** `REFRESH EVERY 1 HOUR [RANDOMIZE FOR …] [DEPENDS ON …] [APPEND]`, or undefined for an insert-triggered view. */
function refreshClause(settings: ReturnType<typeof materializedViewSettings>['settings'], context: PlanContext): string | undefined {
  const refreshable = settings.refreshable;
  if (refreshable === undefined) return undefined;
  requireVersion(context, [24, 10], 'Refreshable materialized views (config refreshable)');
  return [
    `REFRESH ${refreshable.interval}`,
    ...(refreshable.randomize === undefined ? [] : [`RANDOMIZE FOR ${refreshable.randomize}`]),
    ...(refreshable.dependsOn.length === 0 ? [] : [`DEPENDS ON ${refreshable.dependsOn.join(', ')}`]),
    ...(refreshable.append ? ['APPEND'] : []),
  ].join(' ');
}

/** The table named by `{{ materialization_target_table(ref('t')) }}` in the model's SQL: `` `db`.`t` ``. */
export function externalTarget(sql: string): [string, string] | undefined {
  const match = /--\s*materialization_target_table:\s*`((?:[^`\\]|\\.)*)`\.`((?:[^`\\]|\\.)*)`\s*$/m.exec(sql);
  return match === null ? undefined : [match[1]!.replace(/\\(.)/g, '$1'), match[2]!.replace(/\\(.)/g, '$1')];
}

/**
 * dbt-clickhouse's external target: the model is the materialized view itself, writing into a table
 * another model builds. Created (with the catch-up INSERT of the source's existing rows, unless
 * `catchup: false`) when missing or on --full-refresh; otherwise its SELECT is changed in place.
 */
function planViewIntoTable(
  model: IncrementalModel,
  state: MaterializedViewState,
  target: [string, string],
  backfill: boolean,
  refresh: string | undefined,
  context: PlanContext,
): Plan {
  const { schema, identifier } = model;
  const statements: Statement[] = [createDatabase(schema, context)];
  if (state.existing === 'materialized_view' && !state.fullRefresh && refresh === undefined && context.alterViewQuery !== false) {
    statements.push(modifyQuery(schema, identifier, model.sql, context));
    return { statements, cleanup: [] };
  }
  if (state.existing !== undefined)
    statements.push(dropRelation(schema, identifier, state.existing, context, `drop the previous ${state.existing.replace('_', ' ')}`));
  statements.push(createMaterializedView(schema, identifier, target, model.sql, context, refresh));
  if (backfill && refresh === undefined)
    statements.push(
      insertSelect(
        target,
        state.queryColumns.map((column) => column.name),
        model.sql,
        'catch up: insert the rows the source already has',
      ),
    );
  return { statements, cleanup: [] };
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
  return [
    {
      sql: `CREATE TABLE ${qualifiedName(model.schema, name)}${onCluster(context)}\n${engineClause(model.config)}\nAS\n${select} LIMIT 0`,
      purpose: 'create the table, empty (backfill: false)',
    },
  ];
}

/** How swapIntoPlace treats what holds the name. */
export function existingKind(existing: ExistingRelation): 'table' | 'view' | 'other' | undefined {
  if (existing === undefined || existing === 'table' || existing === 'view') return existing;
  return 'other';
}
