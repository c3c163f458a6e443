import type { Command } from 'commander';
import { deferOptions, executionOptions, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { runNodesCommand } from '../nodes-command.js';
import type { Terminal } from '../terminal.js';
import type { RunNodesOptions } from '../../tasks/run-nodes.js';

export function registerRun(program: Command, terminal: Terminal): void {
  executionOptions(deferOptions(selectOptions(projectOptions(program.command('run')))))
    .description('build the selected models in the database, in dependency order')
    .option('--skip-ingest', 'do not ingest before_run sources first')
    .option('--fail-on-ingest-error', 'exit non-zero when a before_run source cannot be ingested')
    .action(commandAction((options: RunNodesOptions) => runNodesCommand('run', options, terminal)));
}
