import type { Command } from 'commander';
import { deferOptions, executionOptions, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { runNodesCommand } from '../nodes-command.js';
import type { RunNodesOptions } from '../../tasks/run-nodes.js';
import type { Terminal } from '../terminal.js';

export function registerBuild(program: Command, terminal: Terminal): void {
  executionOptions(deferOptions(selectOptions(projectOptions(program.command('build')))))
    .description('seed, run and test in one pass, in graph order: a failing test skips what depends on the node it tests')
    .option('--store-failures', "keep each test's failing rows in a table in the <schema>_dbt_test__audit database")
    .option('--skip-ingest', 'do not ingest before_run sources first')
    .action(commandAction((options: RunNodesOptions) => runNodesCommand('build', options, terminal)));
}
