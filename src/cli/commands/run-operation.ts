import type { Command } from 'commander';
import { runOperation, type RunOperationOptions } from '../../tasks/run-operation.js';
import { projectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

export function registerRunOperation(program: Command, terminal: Terminal): void {
  projectOptions(program.command('run-operation').argument('<macro>', 'the macro to run (from macros/)'))
    .description('run a macro against the target: its run_query() and statement blocks run there, log() prints')
    .option('--args <yaml>', "the macro's arguments as a YAML mapping, e.g. '{model: people, days: 30}'")
    .action(commandAction(async (macro: string, options: RunOperationOptions) => (await runOperation(cliInvocation(terminal), macro, options)).status));
}
