import type { Command } from 'commander';
import { retry, type RetryOptions } from '../../tasks/retry.js';
import { projectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { renderRunNodes, withRunTerminal } from '../nodes-command.js';
import type { Terminal } from '../terminal.js';

export function registerRetry(program: Command, terminal: Terminal): void {
  projectOptions(program.command('retry'))
    .description('run again the nodes that failed or were skipped in the last run (from target/run_results.json), with the same options')
    .option('--threads <n>', 'nodes built at the same time (default: as last time)')
    .action(
      commandAction(async (options: RetryOptions) => {
        const result = await withRunTerminal(terminal, 'nodes', (invocation) => retry(invocation, options));
        if (result.run !== undefined) renderRunNodes(terminal, result.run);
        return result.status;
      }),
    );
}
