import type { Command } from 'commander';
import { deferOptions, failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { runNodesCommand } from '../nodes-command.js';
import type { RunNodesOptions } from '../../tasks/run-nodes.js';
import type { Terminal } from '../terminal.js';

export function registerTest(program: Command, terminal: Terminal): void {
  failFastOption(deferOptions(selectOptions(projectOptions(program.command('test')))))
    .description('run data tests (schema tests from YAML, singular tests from tests/): PASS, WARN or FAIL with the number of failing rows')
    .option('--threads <n>', "tests run at the same time (default: the target's threads)")
    .option('--store-failures', "keep each test's failing rows in a table in the <schema>_dbt_test__audit database")
    .action(commandAction((options: RunNodesOptions) => runNodesCommand('test', options, terminal)));
}
