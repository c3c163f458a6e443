/** A materialization plan: the exact statements to run for one node. Pure data, built without I/O. */

export interface Statement {
  sql: string;
  /** Why this statement is here, for logs (`create temp table`, `swap`, …). */
  purpose: string;
  /** Query-level ClickHouse settings for this statement. */
  settings?: Record<string, string | number | boolean>;
}

export interface Plan {
  statements: Statement[];
  /** Run (best effort) when a statement fails, so no temporary relation is left behind. */
  cleanup: Statement[];
}

/** What exists in the database right now under the node's name, as seen before planning. */
export type ExistingRelation = 'table' | 'view' | 'materialized_view' | 'dictionary' | undefined;

export interface PlanContext {
  /** ON CLUSTER name for every DDL statement, when the target is a cluster. */
  cluster: string | undefined;
  /** Engine for databases tsdbt creates. */
  databaseEngine: string | undefined;
  exchangeTables: boolean;
  createOrReplaceView: boolean;
  /**
   * Engines of the databases that exist (name → `Atomic`, `Ordinary`, …), read before planning.
   * EXCHANGE TABLES needs an Atomic database even on servers that have it; see `canExchange` in ddl.ts.
   */
  databaseEngines?: ReadonlyMap<string, string>;
}

/** Suffixes of the relations tsdbt builds beside a model; anything carrying one is tsdbt's to drop. */
export const TEMP_SUFFIX = '__tsdbt_tmp';
export const BACKUP_SUFFIX = '__tsdbt_backup';
