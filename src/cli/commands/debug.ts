import type { Command } from 'commander';
import { runConnectionChecks } from '../../tasks/debug-checks.js';
import { loadProject } from '../../compile/load-project.js';
import { secretEnvValues } from '../../template/secret-env.js';
import { embeddedFallbackNotice } from '../../config/profiles.js';
import { secretsOf } from '../../config/target.js';
import { isTsdbtError } from '../../core/errors.js';
import { packageVersions, TSDBT_VERSION } from '../../version.js';
import { parseVars, projectOptions, type ProjectOptions } from '../common-options.js';
import { commandAction } from '../exit-codes.js';
import type { TaskStatus } from '../../tasks/invocation.js';
import type { Terminal } from '../terminal.js';

/** `tsdbt debug`: each check on its own line, with what to fix when it fails. */
export function registerDebug(program: Command, terminal: Terminal): void {
  projectOptions(program.command('debug'))
    .description('check versions, project and profile configuration, and the database connection')
    .action(commandAction((options: ProjectOptions) => debug(options, terminal)));
}

async function debug(options: ProjectOptions, terminal: Terminal): Promise<TaskStatus> {
  let failed = 0;
  const ok = (label: string, detail = '') => terminal.info(`  ${label}: ${detail ? `${detail} ` : ''}[${terminal.color.green('OK')}]`);
  const fail = (label: string, error: unknown) => {
    failed += 1;
    terminal.info(`  ${label}: [${terminal.color.red('ERROR')}]`);
    if (isTsdbtError(error)) terminal.error(error);
    else terminal.info(`    ${String(error)}`);
  };

  terminal.info(`tsdbt version: ${TSDBT_VERSION}`);
  terminal.info(`node version: ${process.versions.node}`);
  const versions = packageVersions();
  terminal.info(`@clickhouse/client version: ${versions.client}; chdb version: ${versions.chdb}`);
  terminal.info('Configuration:');

  let project;
  try {
    project = loadProject({
      projectDir: options.projectDir,
      profilesDir: options.profilesDir,
      target: options.target,
      vars: parseVars(options.vars),
      logger: terminal.logger,
    });
    terminal.useProject(project, [...secretsOf(project.target), ...secretEnvValues(process.env)]);
    ok('project file', `${project.dir}/${project.config.file}`);
    if (project.profilesFile !== undefined) ok('profiles.yml', project.profilesFile);
    else
      terminal.info(`  profiles.yml: none found [${terminal.color.yellow('NOTE')}]\n    ${embeddedFallbackNotice(project.dir, project.target, process.env)}`);
    ok('target', `'${project.target.name}' (${project.target.type}), schema '${project.target.schema}'`);
    ok('models, sources, macros', `${project.models.size}, ${project.sources.size}, ${project.engine.macroNames().length}`);
    for (const warning of project.warnings) terminal.warn(warning);
  } catch (error) {
    fail('project and profile', error);
    return 'invalid';
  }

  terminal.info('Connection:');
  for (const check of await runConnectionChecks(project.target, { projectDir: project.dir })) {
    if (check.status === 'ok') ok(check.label, check.detail);
    else if (check.status === 'skipped') terminal.info(`  ${check.label}: ${check.detail ?? 'skipped'} [${terminal.color.yellow('SKIP')}]`);
    else fail(check.label, check.error);
    for (const warning of check.warnings) terminal.warn(warning);
  }
  terminal.info(failed === 0 ? terminal.color.green('All checks passed!') : terminal.color.red(`${failed} check${failed === 1 ? '' : 's'} failed.`));
  return failed === 0 ? 'ok' : 'unreachable';
}
