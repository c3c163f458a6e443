import path from 'node:path';
import type { Command } from 'commander';
import { clean, type CleanOptions } from '../../tasks/clean.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

export function registerClean(program: Command, terminal: Terminal): void {
  program
    .command('clean')
    .description('delete the folders listed in clean-targets of project.yml (default: target/ and logs/); never anything outside the project')
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .action(
      commandAction((options: CleanOptions) => {
        const result = clean(cliInvocation(terminal), options);
        for (const { path: target, existed } of result.cleaned) {
          const shown = `${path.relative(result.projectDir, target)}/`;
          terminal.info(existed ? `Deleted ${shown}` : `Nothing to delete at ${shown}`);
        }
        terminal.info(`Finished cleaning ${result.cleaned.length} path${result.cleaned.length === 1 ? '' : 's'}.`);
        return result.status;
      }),
    );
}
