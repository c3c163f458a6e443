import type { Adapter } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import { isTsdbtError, ErrorCodes, TsdbtError } from '../core/errors.js';
import { runProjectHooks } from '../runner/hooks.js';
import type { NodeResult } from '../runner/results.js';
import { planContext } from '../runner/run-nodes.js';
import { dropLeftoverRelations } from '../runner/stale-relations.js';
import type { TaskLog } from './invocation.js';

/**
 * Before nodes run: drop the temporary and backup relations an interrupted run left in the
 * project's databases, then run the project's `on-run-start` hooks. A failing hook throws
 * (HOOK_FAILED): nothing is built.
 */
export async function beforeNodes(project: Project, adapter: Adapter, log: TaskLog): Promise<void> {
  const dropped = await dropLeftoverRelations(project, adapter, planContext(project, adapter));
  if (dropped.length > 0) log.info(`Dropped ${dropped.length} relation${dropped.length === 1 ? '' : 's'} left by an interrupted run: ${dropped.join(', ')}`);
  await projectHooks(project, adapter, log, 'on-run-start');
}

/**
 * After nodes ran (also when some failed; not when the run was interrupted): the project's
 * `on-run-end` hooks, which see `results`. Returns the failure instead of throwing, so the run's
 * artifacts and summary are still written.
 */
export async function afterNodes(project: Project, adapter: Adapter, log: TaskLog, results: readonly NodeResult[]): Promise<TsdbtError | undefined> {
  try {
    await projectHooks(project, adapter, log, 'on-run-end', results);
    return undefined;
  } catch (error) {
    if (isTsdbtError(error)) return error;
    return new TsdbtError({
      code: ErrorCodes.HOOK_FAILED,
      message: `on-run-end failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

async function projectHooks(
  project: Project,
  adapter: Adapter,
  log: TaskLog,
  which: 'on-run-start' | 'on-run-end',
  results?: readonly NodeResult[],
): Promise<void> {
  const hooks = which === 'on-run-start' ? project.config.onRunStart : project.config.onRunEnd;
  if (hooks.length === 0) return;
  const started = Date.now();
  log.info(`Running ${hooks.length} ${which} hook${hooks.length === 1 ? '' : 's'}`);
  const statements = await runProjectHooks(project, adapter, which, {
    ...(results === undefined ? {} : { results }),
    onStatement: (sql, purpose) => log.detail(`${purpose}:\n${sql}`),
  });
  log.info(`Finished ${which} (${statements} statement${statements === 1 ? '' : 's'}) in ${((Date.now() - started) / 1000).toFixed(2)}s`);
}
