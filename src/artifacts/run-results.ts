import type { RunSummary } from '../runner/results.js';
import { TSDBT_VERSION } from '../version.js';

/**
 * run_results.json in dbt's v6 shape. `args` is the invocation (see invocation-args.ts);
 * `compiledCode` gives each node's compiled SQL when it has one.
 */
export function buildRunResults(
  summary: RunSummary,
  invocationId: string,
  args: Record<string, unknown>,
  generatedAt: Date = new Date(),
  compiledCode: (uniqueId: string) => string | undefined = () => undefined,
): Record<string, unknown> {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: TSDBT_VERSION,
      tsdbt_version: TSDBT_VERSION,
      generated_at: generatedAt.toISOString(),
      invocation_id: invocationId,
      env: {},
    },
    results: summary.results.map((result) => {
      const code = result.status === 'skipped' ? undefined : compiledCode(result.uniqueId);
      return {
        unique_id: result.uniqueId,
        status: result.status,
        message: result.message,
        timing: result.timing,
        thread_id: result.threadId,
        execution_time: result.executionTime,
        adapter_response: result.status === 'success' ? { _message: 'OK', ...result.adapterResponse } : result.adapterResponse,
        failures: result.failures ?? null,
        relation_name: result.relationName ?? null,
        compiled: code !== undefined,
        compiled_code: code ?? null,
        batch_results: result.batchResults ?? null,
        error_code: result.errorCode ?? null,
      };
    }),
    elapsed_time: summary.elapsedSeconds,
    args,
  };
}
