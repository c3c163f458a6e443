import type { Command } from 'commander';
import { deferOptions, failFastOption, projectOptions, selectOptions } from '../common-options.js';
import { runSelected, type RunSelectedOptions } from '../run-selected.js';
import type { Terminal } from '../terminal.js';

export function registerTest(program: Command, terminal: Terminal): void {
  failFastOption(deferOptions(selectOptions(projectOptions(program.command('test')))))
    .description('run data tests (schema tests from YAML, singular tests from tests/): PASS, WARN or FAIL with the number of failing rows')
    .option('--threads <n>', "tests run at the same time (default: the target's threads)")
    .option('--store-failures', "keep each test's failing rows in a table in the <schema>_dbt_test__audit database")
    .action(async (options: RunSelectedOptions) => {
      process.exitCode = await runSelected('test', options, terminal);
    });
}
