import { qualifiedName, quoteString } from '../core/sql-literals.js';
import { createDatabase, dropTable, engineClause, onCluster, swapIntoPlace } from './ddl.js';
import { createTableLike, deleteWhere, insertFromTable, insertSelect, partitionsQuery } from './ddl-data.js';
import type { Problem } from './model-settings.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type Plan, type PlanContext, type Statement } from './plan.js';
import { querySettings, type TableModel } from './plan-table.js';

/**
 * dbt 1.9's microbatch incremental strategy: the model is built in batches of `batch_size` over
 * `event_time`, each batch rendered with its window (refs to models that have an `event_time` read
 * only that window) and written as one replaced partition. A batch that fails does not stop the
 * others; `tsdbt retry` runs only the batches that failed.
 */

export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

export interface MicrobatchSettings {
  eventTime: string;
  batchSize: BatchSize;
  /** Where the first run (and --full-refresh) starts. */
  begin: Date | undefined;
  /** Earlier batches reprocessed on each incremental run (late data). dbt's default is 1. */
  lookback: number;
}

/** One batch's window, `[start, end)`, in UTC. */
export interface BatchWindow {
  start: Date;
  end: Date;
}

export function microbatchSettings(config: Record<string, unknown>): { settings: MicrobatchSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const eventTime = typeof config.event_time === 'string' && config.event_time.trim() !== '' ? config.event_time.trim() : '';
  if (eventTime === '')
    problems.push({
      message: "incremental_strategy 'microbatch' needs event_time: the column each row's batch is read from.",
      hint: "For example: event_time='created_at'.",
      key: 'event_time',
    });
  const size = config.batch_size;
  const batchSize = (BATCH_SIZES as readonly unknown[]).includes(size) ? (size as BatchSize) : 'day';
  if (!(BATCH_SIZES as readonly unknown[]).includes(size)) {
    problems.push({
      message: `incremental_strategy 'microbatch' needs batch_size, one of ${BATCH_SIZES.join(', ')}, but it is ${JSON.stringify(size)}.`,
      hint: "For example: batch_size='day'.",
      key: 'batch_size',
    });
  }
  const begin = parseTime(config.begin);
  if (begin === undefined)
    problems.push({
      message: `incremental_strategy 'microbatch' needs begin, the time of the first batch, but it is ${JSON.stringify(config.begin)}.`,
      hint: "For example: begin='2024-01-01'.",
      key: 'begin',
    });
  const raw = config.lookback ?? 1;
  const lookback = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : 1;
  if (lookback !== raw)
    problems.push({
      message: `Config 'lookback' must be a whole number of batches (0 or more), but it is ${JSON.stringify(raw)}.`,
      hint: 'For example: lookback=2.',
      key: 'lookback',
    });
  return { settings: { eventTime, batchSize, begin, lookback }, problems };
}

/** `2024-01-01`, `2024-01-01T05:00:00Z`, `2024-01-01 05:00:00` (UTC unless an offset is given). */
export function parseTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim())) return undefined;
  const text = value.trim().replace(' ', 'T');
  const withTime = text.length === 10 ? `${text}T00:00:00` : text.length === 13 ? `${text}:00:00` : text;
  const date = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(withTime) ? withTime : `${withTime}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The start of the batch holding `time`. */
export function truncate(time: Date, size: BatchSize): Date {
  const [y, m, d, h] = [time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate(), time.getUTCHours()];
  switch (size) {
    case 'hour':
      return new Date(Date.UTC(y, m, d, h));
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

export function addBatches(time: Date, size: BatchSize, count: number): Date {
  const [y, m, d, h] = [time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate(), time.getUTCHours()];
  switch (size) {
    case 'hour':
      return new Date(Date.UTC(y, m, d, h + count));
    case 'day':
      return new Date(Date.UTC(y, m, d + count));
    case 'month':
      return new Date(Date.UTC(y, m + count, 1));
    case 'year':
      return new Date(Date.UTC(y + count, 0, 1));
  }
}

/**
 * The batches of one run, as dbt chooses them: --event-time-start/--event-time-end when given;
 * else from `begin` on a first run (or --full-refresh); else the current batch and `lookback`
 * batches before it. The last batch is the one holding `end` (or now).
 */
export function batchWindows(
  settings: MicrobatchSettings,
  run: { now: Date; firstRun: boolean; start?: Date | undefined; end?: Date | undefined },
): BatchWindow[] {
  const { batchSize } = settings;
  const end = run.end ?? addBatches(truncate(run.now, batchSize), batchSize, 1);
  const start = truncate(
    run.start ?? (run.firstRun ? (settings.begin ?? run.now) : addBatches(truncate(run.now, batchSize), batchSize, -settings.lookback)),
    batchSize,
  );
  const windows: BatchWindow[] = [];
  for (let at = start; at < end; at = addBatches(at, batchSize, 1)) windows.push({ start: at, end: addBatches(at, batchSize, 1) });
  return windows;
}

/** `2024-01-03 00:00:00` in UTC, for SQL literals and run_results. */
export function formatTime(time: Date): string {
  return time.toISOString().slice(0, 19).replace('T', ' ');
}

/** The partition key a microbatch table gets when partition_by is not set: one partition per batch. */
export function batchPartitionBy(settings: Pick<MicrobatchSettings, 'eventTime' | 'batchSize'>): string {
  const column = settings.eventTime;
  switch (settings.batchSize) {
    case 'hour':
      return `toYYYYMMDD(${column}) * 100 + toHour(${column})`;
    case 'day':
      return `toYYYYMMDD(${column})`;
    case 'month':
      return `toYYYYMM(${column})`;
    case 'year':
      return `toYear(${column})`;
  }
}

/** The partition id of the batch starting at `start` under `batchPartitionBy` (a number's id is its digits). */
export function batchPartitionId(start: Date, size: BatchSize): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const [y, m, d, h] = [start.getUTCFullYear(), pad(start.getUTCMonth() + 1), pad(start.getUTCDate()), pad(start.getUTCHours())];
  return size === 'hour' ? `${y}${m}${d}${h}` : size === 'day' ? `${y}${m}${d}` : size === 'month' ? `${y}${m}` : String(y);
}

/** `event_time >= '…' AND event_time < '…'`, compared as DateTime (a Date column converts). */
export function windowFilter(eventTime: string, window: BatchWindow): string {
  return `${eventTime} >= toDateTime(${quoteString(formatTime(window.start))}, 'UTC') AND ${eventTime} < toDateTime(${quoteString(formatTime(window.end))}, 'UTC')`;
}

/** Whether each batch is exactly one partition of the table, so it can be swapped in whole. */
export function partitionsAreBatches(config: Record<string, unknown>, settings: MicrobatchSettings): boolean {
  const written = config.partition_by;
  return written === undefined || written === null || written === '' || String(written).replace(/\s+/g, '') === batchPartitionBy(settings).replace(/\s+/g, '');
}

/**
 * Creates the (empty) table a first run or --full-refresh fills batch by batch, partitioned by batch
 * unless partition_by says otherwise. A full refresh builds it under the temporary name; the batches
 * fill it there, and `publishRebuilt` swaps it in only once every batch is built.
 */
export function planMicrobatchTable(model: TableModel, settings: MicrobatchSettings, replacing: boolean, sql: string, context: PlanContext): Plan {
  const { schema, identifier } = model;
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const config = {
    ...model.config,
    partition_by: partitionsAreBatches(model.config as Record<string, unknown>, settings) ? batchPartitionBy(settings) : model.config.partition_by,
  };
  const select = `SELECT * FROM (\n${sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  const create = (name: string): Statement => ({
    sql: `CREATE TABLE ${qualifiedName(schema, name)}${onCluster(context)}\n${engineClause(config)}\nAS\n${select} LIMIT 0`,
    purpose: 'create the table the batches fill',
    ...querySettings(model.config.query_settings),
  });
  if (!replacing) return { statements: [createDatabase(schema, context), create(identifier)], cleanup: [] };
  return {
    statements: [createDatabase(schema, context), dropTable(schema, temp, context, 'drop a temporary table left by an earlier run'), create(temp)],
    cleanup: [],
  };
}

/** After a full refresh whose batches all built: the new table in place of the old one (readers never see a gap). */
export function publishRebuilt(model: Pick<TableModel, 'schema' | 'identifier'>, existing: 'table' | 'view' | 'other', context: PlanContext): Plan {
  const { schema, identifier } = model;
  return {
    statements: swapIntoPlace(schema, { temp: `${identifier}${TEMP_SUFFIX}`, name: identifier, backup: `${identifier}${BACKUP_SUFFIX}` }, existing, context),
    cleanup: [],
  };
}

/** A full refresh with a failed batch: its table is dropped, the previous one keeps serving. */
export function discardRebuilt(model: Pick<TableModel, 'schema' | 'identifier'>, context: PlanContext): Plan {
  return {
    statements: [dropTable(model.schema, `${model.identifier}${TEMP_SUFFIX}`, context, 'drop the unfinished full refresh (the previous table keeps serving)')],
    cleanup: [],
  };
}

/**
 * One batch: its rows staged in a table shaped like the target, then swapped in as the batch's
 * partition (REPLACE PARTITION; DROP PARTITION when the batch has no rows), so readers see the old
 * batch or the new one, never a mix. When partition_by does not follow the batches, the window's
 * rows are deleted and the staged ones inserted instead.
 */
export function planBatch(
  model: TableModel,
  settings: MicrobatchSettings,
  window: BatchWindow,
  columns: readonly string[],
  sql: string,
  context: PlanContext,
): Plan {
  const { schema, identifier } = model;
  const temp = `${identifier}${TEMP_SUFFIX}`;
  const filter = windowFilter(settings.eventTime, window);
  const select = `SELECT * FROM (\n${sql.trim().replace(/(\s*;)+$/, '')}\n)\nWHERE ${filter}`;
  const read = querySettings(model.config.query_settings).settings;
  const cleanup = [dropTable(schema, temp, context, 'remove the staging table after a failure')];
  const dropStaged = dropTable(schema, temp, context, 'drop the staging table');
  const statements: Statement[] = [
    dropTable(schema, temp, context, 'drop a staging table left by an earlier run'),
    createTableLike(schema, temp, identifier, context, 'create a staging table shaped like the table'),
    insertSelect([schema, temp], columns, select, `stage the batch from ${formatTime(window.start)}`, read),
  ];
  if (!partitionsAreBatches(model.config as Record<string, unknown>, settings)) {
    statements.push(
      deleteWhere(schema, identifier, filter, context, "delete the batch's previous rows"),
      insertFromTable([schema, identifier], [schema, temp], columns, undefined, "insert the batch's rows"),
      dropStaged,
    );
    return { statements, cleanup };
  }
  const id = batchPartitionId(window.start, settings.batchSize);
  const target = qualifiedName(schema, identifier);
  return {
    statements,
    cleanup,
    next: {
      read: partitionsQuery(schema, temp),
      plan: (rows) => {
        const staged = rows.some((row) => String(row.partition_id) === id);
        const swap: Statement = staged
          ? {
              sql: `ALTER TABLE ${target}${onCluster(context)}\nREPLACE PARTITION ID ${quoteString(id)} FROM ${qualifiedName(schema, temp)}`,
              purpose: `replace the batch's partition ${id}`,
            }
          : {
              sql: `ALTER TABLE ${target}${onCluster(context)}\nDROP PARTITION ID ${quoteString(id)}`,
              purpose: `drop the batch's partition ${id} (the batch has no rows)`,
            };
        return { statements: [swap, dropStaged], cleanup };
      },
    },
  };
}
