/** Result records, shaped to serialize straight into run_results.json (dbt's field names). */

export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

export interface TimingInfo {
  name: 'compile' | 'execute';
  started_at: string;
  completed_at: string;
}

export interface NodeResult {
  uniqueId: string;
  status: NodeStatus;
  /** Human summary: `OK`, the database error, or why it was skipped. */
  message: string;
  timing: TimingInfo[];
  /** Seconds. */
  executionTime: number;
  threadId: string;
  adapterResponse: { rows_affected?: number; query_id?: string; statements?: number };
  /** The relation built, e.g. `astro`.`people`. */
  relationName: string | undefined;
  /** Number of failing rows (tests). */
  failures: number | undefined;
  /** For errors: the TsdbtError code, the SQL that failed, where the compiled SQL was written. */
  errorCode?: string | undefined;
  failedSql?: string | undefined;
  compiledPath?: string | undefined;
  /** Microbatch models: the windows (`[start, end]`) built and those that failed (run_results' `batch_results`). */
  batchResults?: { successful: [string, string][]; failed: [string, string][] } | undefined;
}

export interface RunSummary {
  results: NodeResult[];
  elapsedSeconds: number;
  /** True when a signal stopped the run before all nodes ran. */
  interrupted: boolean;
}

export function countByStatus(results: readonly NodeResult[]): Record<NodeStatus, number> {
  const counts: Record<NodeStatus, number> = { success: 0, error: 0, skipped: 0, pass: 0, fail: 0, warn: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}
