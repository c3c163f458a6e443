import type { Command } from 'commander';
import { isTsdbtError } from '../../core/errors.js';
import { debug, type DebugResult } from '../../tasks/debug.js';
import { projectOptions, type ProjectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import { cliInvocation } from '../invocation.js';
import type { Terminal } from '../terminal.js';

/** `tsdbt debug`: each check on its own line, with what to fix when it fails. */
export function registerDebug(program: Command, terminal: Terminal): void {
  projectOptions(program.command('debug'))
    .description('check versions, project and profile configuration, and the database connection')
    .action(
      commandAction(async (options: ProjectOptions) => {
        const result = await debug(cliInvocation(terminal), options);
        renderDebug(terminal, result);
        return result.status;
      }),
    );
}

function renderDebug(terminal: Terminal, result: DebugResult): void {
  const ok = (label: string, detail = '') => terminal.info(`  ${label}: ${detail ? `${detail} ` : ''}[${terminal.color.green('OK')}]`);
  const fail = (label: string, error: unknown) => {
    terminal.info(`  ${label}: [${terminal.color.red('ERROR')}]`);
    if (isTsdbtError(error)) terminal.error(error);
    else terminal.info(`    ${String(error)}`);
  };
  const { versions, project } = result;
  terminal.info(`tsdbt version: ${versions.tsdbt}`);
  terminal.info(`node version: ${versions.node}`);
  terminal.info(`@clickhouse/client version: ${versions.client}; chdb version: ${versions.chdb}`);
  terminal.info('Configuration:');
  if (project === undefined) {
    fail('project and profile', result.projectError);
    return;
  }
  ok('project file', `${project.dir}/${project.config.file}`);
  if (project.profilesFile !== undefined) ok('profiles.yml', project.profilesFile);
  else terminal.info(`  profiles.yml: none found [${terminal.color.yellow('NOTE')}]\n    ${result.embeddedNotice ?? ''}`);
  ok('target', `'${project.target.name}' (${project.target.type}), schema '${project.target.schema}'`);
  ok('models, sources, macros', `${project.models.size}, ${project.sources.size}, ${project.engine.macroNames().length}`);
  for (const warning of project.warnings) terminal.warn(warning);

  terminal.info('Connection:');
  for (const check of result.checks) {
    if (check.status === 'ok') ok(check.label, check.detail);
    else if (check.status === 'skipped') terminal.info(`  ${check.label}: ${check.detail ?? 'skipped'} [${terminal.color.yellow('SKIP')}]`);
    else fail(check.label, check.error);
    for (const warning of check.warnings) terminal.warn(warning);
  }
  const failed = result.failed;
  terminal.info(failed === 0 ? terminal.color.green('All checks passed!') : terminal.color.red(`${failed} check${failed === 1 ? '' : 's'} failed.`));
}
