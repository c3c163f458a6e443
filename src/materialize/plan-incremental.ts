import { qualifiedName } from '../core/sql-literals.js';
import { dropTable, swapIntoPlace } from './ddl.js';
import { createTableLike, deleteWhere, insertFromTable, insertSelect, partitionsQuery, replacePartitions } from './ddl-data.js';
import { incrementalSettings, type IncrementalSettings } from './model-settings.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import { planTable, querySettings, type TableModel } from './plan-table.js';
import { planSchemaChange, type Column } from './schema-change.js';

export interface IncrementalModel extends TableModel {
  /** The model's name, for messages. */
  name: string;
  config: TableModel['config'] & Record<string, unknown>;
}

/** What planning an incremental run needs to know, read from the database beforehand. */
export interface IncrementalState {
  existing: ExistingRelation;
  /** --full-refresh was given (and the model's `full_refresh` config does not forbid it). */
  fullRefresh: boolean;
  /** Columns of the existing table. */
  tableColumns: readonly Column[];
  /** Columns the model's SELECT returns. */
  queryColumns: readonly Column[];
}

/** Whether a run adds to the existing table (`is_incremental()` in templates) rather than building it anew. */
export function isIncrementalRun(existing: ExistingRelation, fullRefresh: boolean): boolean {
  return existing === 'table' && !fullRefresh;
}

/**
 * An incremental model. The first run, a --full-refresh, or a view in the way builds the table
 * like the `table` materialization (temporary table, atomic swap). Later runs bring the table's
 * columns in line per `on_schema_change`, then merge the new rows with the strategy:
 *
 * - `append`: insert them.
 * - `delete+insert`: stage them, delete the rows whose unique_key comes again, insert the staged rows.
 * - `insert_overwrite`: stage them, then replace each partition they fall in (REPLACE PARTITION).
 * - `default` (with a unique_key): build a new table of the new rows plus the old rows whose key
 *   does not come again, then swap it in atomically; readers never see a half-merged table.
 *
 * Staging tables are `<name>__tsdbt_tmp`, created `AS` the target (same engine, keys, partitions),
 * dropped at the end, on failure, and at the start of the next run if a run was killed.
 */
export function planIncremental(model: IncrementalModel, state: IncrementalState, context: PlanContext): Plan {
  if (!isIncrementalRun(state.existing, state.fullRefresh)) return planTable(model, state.existing, context);
  const { settings } = incrementalSettings(model.config);
  const { schema, identifier } = model;
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const schemaChange = planSchemaChange({ schema, identifier, model: model.name }, settings.onSchemaChange, state.tableColumns, state.queryColumns, context);
  const read = querySettings(model.config.query_settings).settings;
  const target: [string, string] = [schema, identifier];
  const staged: [string, string] = [schema, temp];
  const cleanup = [dropTable(schema, temp, context, 'remove the staging table after a failure')];
  const statements: Statement[] = [dropTable(schema, temp, context, 'drop a staging table left by an earlier run'), ...schemaChange.statements];
  const stage = (): Statement[] => [
    createTableLike(schema, temp, identifier, context, 'create a staging table shaped like the table'),
    insertSelect(staged, schemaChange.insertColumns, model.sql, 'stage the new rows', read),
  ];
  const dropStaged = dropTable(schema, temp, context, 'drop the staging table');

  switch (settings.strategy) {
    case 'append':
      statements.push(insertSelect(target, schemaChange.insertColumns, model.sql, 'append the new rows', read));
      return { statements, cleanup: [] };
    case 'delete+insert':
      statements.push(
        ...stage(),
        deleteWhere(schema, identifier, replacedRows(settings, schema, temp), context, 'delete the rows whose key comes again'),
        insertFromTable(target, staged, schemaChange.insertColumns, undefined, 'insert the new rows'),
        dropStaged,
      );
      return { statements, cleanup };
    case 'insert_overwrite':
      statements.push(...stage());
      return {
        statements,
        cleanup,
        next: {
          read: partitionsQuery(schema, temp),
          plan: (rows) => {
            const ids = rows.map((row) => String(row.partition_id));
            return { statements: [...(ids.length === 0 ? [] : [replacePartitions(schema, identifier, temp, ids, context)]), dropStaged], cleanup };
          },
        },
      };
    case 'microbatch':
      // Planned batch by batch by the runner (see microbatch.ts), each batch rendered with its own window.
      throw new Error('microbatch models are planned per batch (planBatch)');
    case 'default': {
      const keep = `NOT (${replacedRows(settings, schema, temp)})`;
      statements.push(
        ...stage(),
        insertFromTable(
          staged,
          target,
          schemaChange.columns.map((column) => column.name),
          keep,
          'copy the old rows whose key does not come again',
        ),
        ...swapIntoPlace(schema, { temp, name: identifier, backup: `${identifier}${BACKUP_SUFFIX}` }, 'table', context),
      );
      return { statements, cleanup };
    }
  }
}

/** `(key) IN (SELECT key FROM staged)`, narrowed by incremental_predicates. */
function replacedRows(settings: IncrementalSettings, schema: string, staged: string): string {
  const key = settings.uniqueKey.length === 1 ? settings.uniqueKey[0]! : `(${settings.uniqueKey.join(', ')})`;
  const where = [
    `${key} IN (SELECT ${settings.uniqueKey.join(', ')} FROM ${qualifiedName(schema, staged)})`,
    ...settings.incrementalPredicates.map((predicate) => `(${predicate})`),
  ];
  return where.join('\n  AND ');
}
