import type { Command } from 'commander';
import { failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { runNodesCommand } from '../nodes-command.js';
import type { RunNodesOptions } from '../../tasks/run-nodes.js';
import type { Terminal } from '../terminal.js';

export function registerSnapshot(program: Command, terminal: Terminal): void {
  failFastOption(selectOptions(projectOptions(program.command('snapshot'))))
    .description('record changes of the snapshots under snapshot-paths as SCD type 2 history (dbt_valid_from/dbt_valid_to), in graph order')
    .option('--threads <n>', "snapshots built at the same time (default: the target's threads)")
    .action(commandAction((options: RunNodesOptions) => runNodesCommand('snapshot', options, terminal)));
}
