import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the docs site shows of the last run: one status per node and when the run was. */
export interface LastRunResults {
  at: string;
  elapsedSeconds: number | null;
  command: string | null;
  byId: Map<string, { status: string; executionTime: number; message: string | null }>;
}

/**
 * Reads `<targetDir>/run_results.json` if there is one. A missing file is normal (nothing has
 * run yet); an unreadable one gives a warning, never a failed `docs generate`.
 */
export function readLastRunResults(targetDir: string): { results?: LastRunResults; warning?: string } {
  const file = path.join(targetDir, 'run_results.json');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { warning: `${file} is not valid JSON (${(error as Error).message}); the docs show no last-run status.` };
  }
  const value = raw as { metadata?: { generated_at?: unknown }; results?: unknown; elapsed_time?: unknown; args?: { which?: unknown } };
  if (typeof value !== 'object' || value === null || !Array.isArray(value.results)) {
    return { warning: `${file} has no 'results' list; the docs show no last-run status.` };
  }
  const byId: LastRunResults['byId'] = new Map();
  for (const result of value.results as Array<Record<string, unknown>>) {
    if (typeof result?.unique_id !== 'string' || typeof result.status !== 'string') continue;
    byId.set(result.unique_id, {
      status: result.status,
      executionTime: typeof result.execution_time === 'number' ? result.execution_time : 0,
      message: typeof result.message === 'string' ? result.message : null,
    });
  }
  return {
    results: {
      at: typeof value.metadata?.generated_at === 'string' ? value.metadata.generated_at : '',
      elapsedSeconds: typeof value.elapsed_time === 'number' ? value.elapsed_time : null,
      command: typeof value.args?.which === 'string' ? value.args.which : null,
      byId,
    },
  };
}
