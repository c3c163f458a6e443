import { existsSync } from 'node:fs';
import path from 'node:path';
import { optionsFromArgs } from '../artifacts/invocation-args.js';
import { validateProjectConfig } from '../config/project-config.js';
import { parseYaml } from '../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../core/errors.js';
import { findProject } from '../project/find-project.js';
import { readRunResults } from '../state/read-state.js';
import type { Invocation, TaskResult } from './invocation.js';
import type { ProjectOptions } from './options.js';
import { runSelectedNodes, type NodesCommand, type RunNodesResult } from './run-nodes.js';

/** Statuses worth running again (dbt's retry: errors, test failures, and what they skipped). */
export const RETRY_STATUSES = new Set(['error', 'fail', 'skipped', 'runtime error']);

/** Commands `retry` can re-run, by the `which` they record in run_results.json (any task built on runSelectedNodes). */
const RETRYABLE: readonly NodesCommand[] = ['build', 'run', 'seed', 'test', 'snapshot'];

export interface RetryOptions extends ProjectOptions {
  /** Overrides the recorded --threads. */
  threads?: string | number;
}

export interface RetryResult extends TaskResult {
  /** The command re-run, as recorded in run_results.json. */
  which: NodesCommand;
  /** Nodes that failed or were skipped last time (empty: nothing to retry). */
  ids: string[];
  /** The re-run, when there was something to retry. */
  run: RunNodesResult | undefined;
}

/**
 * `tsdbt retry`: runs again, with the options recorded in target/run_results.json (overridden by
 * the ones given), the nodes that failed or were skipped in the last run, build, seed or test.
 */
export async function retry(invocation: Invocation, options: RetryOptions = {}): Promise<RetryResult> {
  const { projectDir, projectFile } = findProject(options.projectDir ?? process.cwd());
  const validated = validateProjectConfig(parseYaml(projectFile.text, projectFile.path));
  if (validated.config === undefined) throwCollected(validated.errors);
  const label = path.posix.join(validated.config!.targetPath, 'run_results.json');
  const file = path.join(projectDir, label);
  if (!existsSync(file)) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_NOT_FOUND,
      message: `There is nothing to retry: ${label} does not exist.`,
      hint: 'tsdbt retry re-runs what failed in the last `tsdbt run` (or build, seed, test); run one of them first.',
    });
  }
  const previous = readRunResults(file, label);
  const recorded = typeof previous.args['which'] === 'string' ? previous.args['which'] : undefined;
  const which = RETRYABLE.find((command) => command === recorded);
  if (which === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `tsdbt retry cannot re-run ${recorded === undefined ? 'a command it does not know' : `'tsdbt ${recorded}'`}: ${label} has no retryable command in args.which.`,
      file: label,
      hint: `Retry works after: ${[...RETRYABLE].sort().join(', ')}. Run the command again instead.`,
    });
  }
  const ids = [...previous.statuses].filter(([, status]) => RETRY_STATUSES.has(status)).map(([id]) => id);
  if (ids.length === 0) {
    invocation.log.info(`Nothing to retry: every node in ${label} succeeded.`);
    return { status: 'ok', which, ids, run: undefined };
  }
  invocation.log.info(`Retrying ${ids.length} node${ids.length === 1 ? '' : 's'} that failed or were skipped in the last 'tsdbt ${which}'.`);
  const given = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && key !== 'debug' && key !== 'color'));
  // Microbatch models re-run only the batches that failed (dbt's retry does the same).
  const retryBatches = Object.fromEntries([...previous.failedBatches].filter(([id]) => ids.includes(id)));
  const batches = Object.keys(retryBatches).length === 0 ? {} : { retryBatches };
  const run = await runSelectedNodes(which, invocation, { ...optionsFromArgs(previous.args), ...given, projectDir, ids, ...batches });
  return { status: run.status, which, ids, run };
}
