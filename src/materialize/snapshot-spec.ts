/** A snapshot's config, checked and normalized (see src/compile/snapshot-config.ts); what a snapshot plan is built from. */
export interface SnapshotSpec {
  strategy: 'timestamp' | 'check';
  /** SQL expressions, one per key part (a single `unique_key` is a list of one). */
  uniqueKey: string[];
  /** SQL expression; required for `timestamp`, optional for `check` (else the snapshot time). */
  updatedAt: string | undefined;
  /** Column names, or 'all' (every column of the query). */
  checkCols: string[] | 'all';
  hardDeletes: 'ignore' | 'invalidate' | 'new_record';
  /** SQL expression written into `dbt_valid_to` of current rows instead of NULL. */
  validToCurrent: string | undefined;
  columnNames: SnapshotColumnNames;
}

export interface SnapshotColumnNames {
  dbt_scd_id: string;
  dbt_updated_at: string;
  dbt_valid_from: string;
  dbt_valid_to: string;
  dbt_is_deleted: string;
}
