import { loadProject, type Project } from '../compile/load-project.js';
import type { PhaseTimer } from '../compile/perf-info.js';
import { secretsOf } from '../config/target.js';
import type { Invocation } from './invocation.js';
import { parseVars, type ProjectOptions } from './options.js';
import { secretEnvValues } from '../template/secret-env.js';

/**
 * Parses the project for a task: the invocation hears about it first (the CLI redacts the
 * profile's secrets and opens logs/tsdbt.log), then the parse warnings are said.
 */
export function openProject(options: ProjectOptions, invocation: Invocation, timer?: PhaseTimer): Project {
  const project = openProjectQuietly(options, invocation, timer);
  for (const warning of project.warnings) invocation.log.warn(warning);
  return project;
}

/** `openProject` without saying the parse warnings: for a caller that says them itself, later (`debug`). */
export function openProjectQuietly(options: ProjectOptions, invocation: Invocation, timer?: PhaseTimer): Project {
  const project = loadProject({
    timer,
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    target: options.target,
    vars: parseVars(options.vars),
    logger: invocation.logger,
    env: invocation.env,
  });
  invocation.events.projectOpened?.(project, [...secretsOf(project.target), ...secretEnvValues(process.env)]);
  return project;
}
