import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { optionsFromArgs } from '../../artifacts/invocation-args.js';
import { validateProjectConfig } from '../../config/project-config.js';
import { parseYaml } from '../../config/yaml-document.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../../core/errors.js';
import { findProject } from '../../project/find-project.js';
import { readRunResults } from '../../state/read-state.js';
import { projectOptions, type ProjectOptions } from '../common-options.js';
import { ExitCode } from '../exit-codes.js';
import { retryableCommand, retryableNames } from '../retryable.js';
import type { Terminal } from '../terminal.js';

/** Statuses worth running again (dbt's retry: errors, test failures, and what they skipped). */
export const RETRY_STATUSES = new Set(['error', 'fail', 'skipped', 'runtime error']);

interface RetryOptions extends ProjectOptions {
  threads?: string;
}

export function registerRetry(program: Command, terminal: Terminal): void {
  projectOptions(program.command('retry'))
    .description('run again the nodes that failed or were skipped in the last run (from target/run_results.json), with the same options')
    .option('--threads <n>', 'nodes built at the same time (default: as last time)')
    .action(async (options: RetryOptions) => {
      process.exitCode = await retry(options, terminal);
    });
}

async function retry(options: RetryOptions, terminal: Terminal): Promise<number> {
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
  const which = typeof previous.args['which'] === 'string' ? previous.args['which'] : undefined;
  const handler = which === undefined ? undefined : await retryableCommand(which);
  if (handler === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `tsdbt retry cannot re-run ${which === undefined ? 'a command it does not know' : `'tsdbt ${which}'`}: ${label} has no retryable command in args.which.`,
      file: label,
      hint: `Retry works after: ${retryableNames().join(', ')}. Run the command again instead.`,
    });
  }
  const ids = [...previous.statuses].filter(([, status]) => RETRY_STATUSES.has(status)).map(([id]) => id);
  if (ids.length === 0) {
    terminal.info(`Nothing to retry: every node in ${label} succeeded.`);
    return ExitCode.OK;
  }
  terminal.info(`Retrying ${ids.length} node${ids.length === 1 ? '' : 's'} that failed or were skipped in the last 'tsdbt ${which}'.`);
  const given = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && key !== 'debug' && key !== 'color'));
  // Microbatch models re-run only the batches that failed (dbt's retry does the same).
  const retryBatches = Object.fromEntries([...previous.failedBatches].filter(([id]) => ids.includes(id)));
  return handler({ ...optionsFromArgs(previous.args), ...given, projectDir, ids, ...(Object.keys(retryBatches).length === 0 ? {} : { retryBatches }) }, terminal);
}
