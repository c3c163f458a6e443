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
  /**
   * Set when the plan must read what its statements built before it can go on (insert_overwrite
   * reads the partitions it staged): run `statements`, then `read`, then `plan(rows)`.
   */
  next?: PlanContinuation;
}

/** The second half of a plan, planned (still without I/O) from the rows of a read-only query. */
export interface PlanContinuation {
  read: { sql: string; purpose: string; params?: Record<string, unknown> };
  plan(rows: readonly Record<string, unknown>[]): Plan;
}

/** What exists in the database right now under the node's name, as seen before planning. */
export type ExistingRelation = 'table' | 'view' | 'materialized_view' | 'dictionary' | undefined;

export interface PlanContext {
  /** ON CLUSTER name for every DDL statement, when the target is a cluster. */
  cluster: string | undefined;
  /**
   * Set (by `contextForDatabase` in ddl.ts) in place of `cluster` for a Replicated database: the database
   * itself is still created ON CLUSTER, but statements on its tables must not say ON CLUSTER.
   */
  databaseCluster?: string | undefined;
  /** Engine for databases tsdbt creates. */
  databaseEngine: string | undefined;
  exchangeTables: boolean;
  createOrReplaceView: boolean;
  /**
   * Engines of the databases that exist (name → `Atomic`, `Ordinary`, …), read before planning.
   * EXCHANGE TABLES needs an Atomic database even on servers that have it; see `canExchange` in ddl.ts.
   */
  databaseEngines?: ReadonlyMap<string, string>;
  /** Lightweight `DELETE FROM` (23.3+); otherwise a synchronous `ALTER TABLE … DELETE` mutation. Default true. */
  lightweightDelete?: boolean;
  /** `ALTER TABLE mv MODIFY QUERY` on materialized views (23.11+); otherwise the view is recreated. Default true. */
  alterViewQuery?: boolean;
  /** The `mutations_sync` setting (20.1+), to wait for an `ALTER TABLE … DELETE`. Default true. */
  mutationsSync?: boolean;
  /** The server's version; undefined means a current one (chDB). Features it predates are refused (see requireVersion). */
  serverVersion?: string;
}

/** Suffixes of the relations tsdbt builds beside a model; anything carrying one is tsdbt's to drop. */
export const TEMP_SUFFIX = '__tsdbt_tmp';
export const BACKUP_SUFFIX = '__tsdbt_backup';
