import type { Command } from 'commander';
import { failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { runSelected, type RunSelectedOptions } from '../run-selected.js';
import type { Terminal } from '../terminal.js';

export function registerSeed(program: Command, terminal: Terminal): void {
  failFastOption(selectOptions(projectOptions(program.command('seed'))))
    .description('load the CSV files under seed-paths into tables (types inferred, or set with column_types)')
    .option('--threads <n>', "seeds loaded at the same time (default: the target's threads)")
    .option('--full-refresh', 'drop and recreate seed tables from the CSV (needed when its columns changed)')
    .action(async (options: RunSelectedOptions) => {
      process.exitCode = await runSelected('seed', options, terminal);
    });
}
