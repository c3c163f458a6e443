import type { Command } from 'commander';
import { failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { runNodesCommand } from '../nodes-command.js';
import type { RunNodesOptions } from '../../tasks/run-nodes.js';
import type { Terminal } from '../terminal.js';

export function registerSeed(program: Command, terminal: Terminal): void {
  failFastOption(selectOptions(projectOptions(program.command('seed'))))
    .description('load the CSV files under seed-paths into tables (types inferred, or set with column_types)')
    .option('--threads <n>', "seeds loaded at the same time (default: the target's threads)")
    .option('--full-refresh', 'drop and recreate seed tables from the CSV (needed when its columns changed)')
    .action(commandAction((options: RunNodesOptions) => runNodesCommand('seed', options, terminal)));
}
