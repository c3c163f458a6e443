import type { RunSummary } from '../runner/results.js';
import { TSDBT_VERSION } from '../version.js';

/** run_results.json in dbt's v6 shape. */
export function buildRunResults(summary: RunSummary, invocationId: string, args: Record<string, unknown>, generatedAt: Date = new Date()): Record<string, unknown> {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: TSDBT_VERSION,
      tsdbt_version: TSDBT_VERSION,
      generated_at: generatedAt.toISOString(),
      invocation_id: invocationId,
      env: {},
    },
    results: summary.results.map((result) => ({
      unique_id: result.uniqueId,
      status: result.status,
      message: result.message,
      timing: result.timing,
      thread_id: result.threadId,
      execution_time: result.executionTime,
      adapter_response: result.adapterResponse,
      failures: result.failures ?? null,
      relation_name: result.relationName ?? null,
      compiled_code: null,
      error_code: result.errorCode ?? null,
    })),
    elapsed_time: summary.elapsedSeconds,
    args,
  };
}
