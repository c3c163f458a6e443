import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { createDatabase, dropTable, engineClause, onCluster, swapIntoPlace, type TableEngineConfig } from './ddl.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type ExistingRelation, type Plan, type PlanContext, type Statement } from './plan.js';
import { querySettings } from './plan-table.js';

export interface DistributedTableModel {
  schema: string;
  identifier: string;
  /** The model's name, for messages. */
  name?: string;
  sql: string;
  config: TableEngineConfig & { sharding_key?: unknown; local_suffix?: unknown; query_settings?: unknown };
}

export interface DistributedTableState {
  /** What holds the model's name (the Distributed table, once built). */
  existing: ExistingRelation;
  /** Columns the model's SELECT returns, when read beforehand; otherwise the local table takes them from `SELECT … LIMIT 0`. */
  queryColumns?: readonly { name: string; type: string }[];
}

/** Settings of the one INSERT through the Distributed table: return only once every shard has its rows. */
export const DISTRIBUTED_INSERT_SETTINGS = { insert_distributed_sync: 1 } as const;

/** `<name>_local` holds each shard's rows (dbt-clickhouse's default suffix); `local_suffix` changes it. */
export function localTableName(model: Pick<DistributedTableModel, 'identifier' | 'config'>): string {
  const suffix = typeof model.config.local_suffix === 'string' && model.config.local_suffix !== '' ? model.config.local_suffix : '_local';
  return `${model.identifier}${suffix}`;
}

/**
 * `distributed_table`: a local table on every host of the cluster (`<name>_local`, the model's
 * engine and keys) and a Distributed table `<name>` over them, rows spread by `sharding_key`
 * (default `rand()`). Every DDL runs ON CLUSTER. The rows are written once, through a loading
 * Distributed table over new local tables, with `insert_distributed_sync = 1`, so they are on their
 * shards before anything is swapped; then the local tables are swapped (EXCHANGE or one double
 * RENAME per host) and the Distributed table is rebuilt over them and swapped the same way.
 * Readers of `<name>` see the old rows until the local swap and the new ones after it.
 */
/** Throws when the target has no cluster for a distributed_table; checked before any SQL of the model runs. */
export function checkDistributedTarget(name: string, context: PlanContext): string {
  // In a Replicated database the statements carry no ON CLUSTER, but the Distributed engine still names the cluster.
  const cluster = context.cluster ?? context.databaseCluster;
  if (cluster === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.MODEL_CONFIG_INVALID,
      message: `Model '${name}' is a distributed_table, but the target has no \`cluster\`.`,
      hint: "Set `cluster:` in this target in profiles.yml (a cluster from the server's <remote_servers>), or use materialized='table' for a single server.",
    });
  }
  return cluster;
}

export function planDistributedTable(model: DistributedTableModel, state: DistributedTableState, context: PlanContext): Plan {
  const cluster = checkDistributedTarget(model.name ?? model.identifier, context);
  const { schema, identifier } = model;
  const local = localTableName(model);
  const newLocal = `${local}${TEMP_SUFFIX}`;
  const newDistributed = `${identifier}${TEMP_SUFFIX}`;
  const shardingKey = typeof model.config.sharding_key === 'string' && model.config.sharding_key.trim() !== '' ? model.config.sharding_key.trim() : 'rand()';
  const distributed = (name: string, over: string, purpose: string): Statement => ({
    sql: `CREATE TABLE ${qualifiedName(schema, name)}${onCluster(context)} AS ${qualifiedName(schema, over)}\nENGINE = Distributed(${quoteString(cluster)}, ${quoteString(schema)}, ${quoteString(over)}, ${shardingKey})`,
    purpose,
  });
  // The model's SQL as a subquery: a trailing `;` would end the statement early.
  const select = `SELECT * FROM (\n${model.sql.trim().replace(/(\s*;)+$/, '')}\n)`;
  const structure =
    state.queryColumns !== undefined && state.queryColumns.length > 0
      ? `(\n${state.queryColumns.map((column) => `  ${quoteIdentifier(column.name)} ${column.type}`).join(',\n')}\n)\n${engineClause(model.config)}`
      : `${engineClause(model.config)}\nAS\n${select} LIMIT 0`;
  const read = querySettings(model.config.query_settings).settings;

  const statements: Statement[] = [
    createDatabase(schema, context),
    dropTable(schema, newDistributed, context, 'drop a loading table left by an earlier run'),
    dropTable(schema, newLocal, context, 'drop new local tables left by an earlier run'),
    { sql: `CREATE TABLE ${qualifiedName(schema, newLocal)}${onCluster(context)}\n${structure}`, purpose: 'create the new local table on every host' },
    distributed(newDistributed, newLocal, 'create a Distributed table to load the new local tables'),
    {
      sql: `INSERT INTO ${qualifiedName(schema, newDistributed)}\n${select}`,
      purpose: 'write the rows to their shards',
      settings: { ...read, ...DISTRIBUTED_INSERT_SETTINGS },
    },
    dropTable(schema, newDistributed, context, 'drop the loading table'),
    // A first build has no local tables yet: an empty one to swap with keeps the next step the same.
    {
      sql: `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, local)}${onCluster(context)} AS ${qualifiedName(schema, newLocal)}`,
      purpose: 'make sure a local table exists to swap with',
    },
    ...swapIntoPlace(schema, { temp: newLocal, name: local, backup: `${local}${BACKUP_SUFFIX}` }, 'table', context),
    distributed(newDistributed, local, 'create the new Distributed table over the local tables'),
    ...swapIntoPlace(schema, { temp: newDistributed, name: identifier, backup: `${identifier}${BACKUP_SUFFIX}` }, existingKind(state.existing), context),
  ];
  return {
    statements,
    cleanup: [
      dropTable(schema, newDistributed, context, 'remove the new Distributed table after a failure'),
      dropTable(schema, newLocal, context, 'remove the new local tables after a failure'),
    ],
  };
}

function existingKind(existing: ExistingRelation): 'table' | 'view' | 'other' | undefined {
  if (existing === undefined || existing === 'table' || existing === 'view') return existing;
  return 'other';
}
