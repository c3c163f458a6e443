import type { Command } from 'commander';
import { failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { runSelected, type RunSelectedOptions } from '../run-selected.js';
import type { Terminal } from '../terminal.js';

export function registerSnapshot(program: Command, terminal: Terminal): void {
  failFastOption(selectOptions(projectOptions(program.command('snapshot'))))
    .description('record changes of the snapshots under snapshot-paths as SCD type 2 history (dbt_valid_from/dbt_valid_to), in graph order')
    .option('--threads <n>', "snapshots built at the same time (default: the target's threads)")
    .action(async (options: RunSelectedOptions) => {
      process.exitCode = await runSelected('snapshot', options, terminal);
    });
}
