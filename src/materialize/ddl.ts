import { qualifiedName, quoteIdentifier, quoteString } from '../core/sql-literals.js';
import type { PlanContext, Statement } from './plan.js';

/** Small clause builders; each returns SQL text, never runs it. */

export function onCluster(context: Pick<PlanContext, 'cluster'>): string {
  return context.cluster === undefined ? '' : ` ON CLUSTER ${quoteIdentifier(context.cluster)}`;
}

/** ON CLUSTER for statements on a database itself (CREATE/DROP DATABASE), also in a Replicated database. */
function onClusterForDatabase(context: PlanContext): string {
  return onCluster({ ...context, cluster: context.cluster ?? context.databaseCluster });
}

/**
 * The context for statements on relations in `database`. A Replicated database copies DDL to its
 * replicas itself, and ClickHouse refuses ON CLUSTER there ("ON CLUSTER is not allowed for Replicated
 * database"): its relations get no ON CLUSTER, while the database is still created ON CLUSTER.
 * A database that does not exist yet will have the profile's `database_engine`.
 */
export function contextForDatabase(database: string, context: PlanContext): PlanContext {
  if (context.cluster === undefined) return context;
  const engine = context.databaseEngines?.get(database) ?? context.databaseEngine;
  if (engine === undefined || !/^Replicated\b/.test(engine.trim())) return context;
  return { ...context, cluster: undefined, databaseCluster: context.cluster };
}

export function createDatabase(database: string, context: PlanContext): Statement {
  const engine = context.databaseEngine === undefined ? '' : ` ENGINE = ${context.databaseEngine}`;
  return { sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}${onClusterForDatabase(context)}${engine}`, purpose: 'create database' };
}

export function dropDatabase(database: string, context: PlanContext, purpose = 'drop database'): Statement {
  return { sql: `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}${onClusterForDatabase(context)}`, purpose };
}

export function dropTable(database: string, name: string, context: PlanContext, purpose: string): Statement {
  return { sql: `DROP TABLE IF EXISTS ${qualifiedName(database, name)}${onCluster(context)}`, purpose };
}

export function dropView(database: string, name: string, context: PlanContext, purpose: string): Statement {
  return { sql: `DROP VIEW IF EXISTS ${qualifiedName(database, name)}${onCluster(context)}`, purpose };
}

/** Database engines whose tables can be swapped with EXCHANGE TABLES (Replicated databases are built on Atomic). */
const EXCHANGE_ENGINES = /^(Atomic|Replicated)\b/;

/**
 * Whether `EXCHANGE TABLES` works in `database`: the server must have it, and the database must be
 * Atomic — an Ordinary database (made by an old server, or with `database_engine: Ordinary`) rejects
 * it even on a new server. A database that does not exist yet gets the profile's `database_engine`,
 * or the server's default, which is Atomic on every server that has EXCHANGE.
 */
export function canExchange(database: string, context: PlanContext): boolean {
  if (!context.exchangeTables) return false;
  const engine = context.databaseEngines?.get(database) ?? context.databaseEngine;
  return engine === undefined || EXCHANGE_ENGINES.test(engine.trim());
}

export function exchangeTables(database: string, a: string, b: string, context: PlanContext): Statement {
  return { sql: `EXCHANGE TABLES ${qualifiedName(database, a)} AND ${qualifiedName(database, b)}${onCluster(context)}`, purpose: 'swap in the new table' };
}

/** `RENAME TABLE a TO b[, c TO d]`: several renames in one statement, so readers never see a gap. */
export function renameTables(database: string, pairs: [string, string][], context: PlanContext, purpose: string): Statement {
  const list = pairs.map(([from, to]) => `${qualifiedName(database, from)} TO ${qualifiedName(database, to)}`).join(', ');
  return { sql: `RENAME TABLE ${list}${onCluster(context)}`, purpose };
}

/**
 * Puts table `temp` in place of `name`, which holds `existing`: a RENAME when the name is free,
 * EXCHANGE TABLES where the database allows it, else one double RENAME through `backup`
 * (dropped before, in case a killed run left it, and after). Readers never see the name missing.
 */
export function swapIntoPlace(
  database: string,
  names: { temp: string; name: string; backup: string },
  existing: 'table' | 'view' | 'other' | undefined,
  context: PlanContext,
): Statement[] {
  const { temp, name, backup } = names;
  if (existing === undefined) return [renameTables(database, [[temp, name]], context, `publish ${name}`)];
  if (existing === 'table' && canExchange(database, context)) {
    return [exchangeTables(database, temp, name, context), dropTable(database, temp, context, `drop the previous ${name}`)];
  }
  return [
    dropTable(database, backup, context, 'drop a backup left by an earlier run'),
    renameTables(
      database,
      [
        [name, backup],
        [temp, name],
      ],
      context,
      `swap in the new ${name}`,
    ),
    dropTable(database, backup, context, `drop the previous ${name}`),
  ];
}

/** `ReplicatedMergeTree(…)`, `ReplicatedReplacingMergeTree`…: tables whose replicas copy each other's rows. */
export function isReplicatedEngine(engine: unknown): boolean {
  return typeof engine === 'string' && /^\s*Replicated\w*MergeTree\b/.test(engine);
}

export interface TableEngineConfig {
  engine?: unknown;
  order_by?: unknown;
  partition_by?: unknown;
  primary_key?: unknown;
  sample_by?: unknown;
  ttl?: unknown;
  settings?: unknown;
}

/** `ENGINE = MergeTree ORDER BY tuple() …`; a MergeTree needs an ORDER BY, so `tuple()` is the default. */
export function engineClause(config: TableEngineConfig): string {
  const engine = typeof config.engine === 'string' && config.engine.trim() !== '' ? config.engine.trim() : 'MergeTree';
  const parts = [`ENGINE = ${engine.includes('(') || !/MergeTree$/.test(engine) ? engine : `${engine}()`}`];
  const isMergeTree = /MergeTree/.test(engine);
  if (isMergeTree || config.order_by !== undefined) parts.push(`ORDER BY ${expressionList(config.order_by) ?? 'tuple()'}`);
  const partition = expressionList(config.partition_by);
  if (partition) parts.push(`PARTITION BY ${partition}`);
  const primary = expressionList(config.primary_key);
  if (primary) parts.push(`PRIMARY KEY ${primary}`);
  const sample = expressionList(config.sample_by);
  if (sample) parts.push(`SAMPLE BY ${sample}`);
  if (typeof config.ttl === 'string' && config.ttl.trim() !== '') parts.push(`TTL ${config.ttl.trim()}`);
  const settings = settingsList(config.settings);
  if (settings) parts.push(`SETTINGS ${settings}`);
  return parts.join(' ');
}

/** `['a', 'b']` → `(a, b)`; a string is used as written (it is a SQL expression). */
function expressionList(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.length === 1 ? String(value[0]) : `(${value.map(String).join(', ')})`;
  return String(value).trim();
}

function settingsList(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  return entries.map(([key, setting]) => `${key} = ${typeof setting === 'string' ? quoteString(setting) : String(setting)}`).join(', ');
}
