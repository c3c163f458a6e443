import type { Command } from 'commander';
import { deps, type DepsOptions } from '../../tasks/deps.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import { commandAction } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

export function registerDeps(program: Command, terminal: Terminal): void {
  program
    .command('deps')
    .description('install the packages of packages.yml (or dependencies.yml) into packages-install-path, as package-lock.yml pins them')
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .option('--lock', 'resolve the packages and write package-lock.yml, without installing them')
    .option('--upgrade', 'resolve the packages again (newest versions allowed), even when package-lock.yml is up to date')
    .action(commandAction((options: DepsOptions) => runDeps(options, terminal)));
}

async function runDeps(options: DepsOptions, terminal: Terminal): Promise<TaskStatus> {
  const result = await deps({ projectDir: options.projectDir, lock: options.lock === true, upgrade: options.upgrade === true });
  for (const warning of result.warnings) terminal.warn(warning);
  if (result.packages.length === 0) {
    terminal.info('No packages found in packages.yml or dependencies.yml: nothing to install.');
    return 'ok';
  }
  if (result.lockWritten) terminal.info('Updated package-lock.yml.');
  for (const item of result.packages) {
    const pinned = item.version ?? (item.revision === undefined ? `<${item.kind}>` : item.revision.slice(0, 12));
    terminal.info(`${options.lock === true ? 'Locked' : 'Installed'} ${item.name} ${pinned}`);
  }
  if (options.lock !== true)
    terminal.info(`Installed ${result.packages.length} package${result.packages.length === 1 ? '' : 's'} into ${result.installPath}/.`);
  return 'ok';
}
