import { Option, type Command } from 'commander';
import { parse as parseYamlText } from 'yaml';
import { loadProject, type Project } from '../compile/load-project.js';
import { isPlainObject } from '../config/value-checks.js';
import { secretsOf } from '../config/target.js';
import { ErrorCodes, TsdbtError } from '../errors.js';
import type { Terminal } from './terminal.js';

export interface ProjectOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
}

export interface SelectOptions {
  select?: string[];
  exclude?: string[];
  selector?: string;
}

/** --project-dir, --profiles-dir, --target, --vars: every command that reads the project takes these. */
export function projectOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'folder of the project (default: the current folder or the nearest parent with a project.yml)')
    .option('--profiles-dir <dir>', 'folder holding profiles.yml (default: $TSDBT_PROFILES_DIR, the project, ~/.tsdbt)')
    .option('-t, --target <name>', 'target in the profile to use (default: the profile\'s `target:`)')
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{start_date: 2024-01-01}'");
}

export function selectOptions(command: Command): Command {
  return command
    .addOption(new Option('-s, --select <selector...>', 'nodes to include (names, +parents, children+, tag:x, path:…)'))
    .addOption(new Option('--exclude <selector...>', 'nodes to leave out'))
    .option('--selector <name>', 'a named selector from selectors.yml');
}

export function parseVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = parseYamlText(text);
  } catch (error) {
    throw new TsdbtError({
      code: ErrorCodes.VARS_INVALID,
      message: `--vars is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      hint: "Pass a mapping, e.g. --vars '{my_var: 1, other: \"text\"}'.",
    });
  }
  if (!isPlainObject(value)) {
    throw new TsdbtError({ code: ErrorCodes.VARS_INVALID, message: `--vars must be a YAML mapping, but it is ${JSON.stringify(value)}.`, hint: "For example: --vars '{my_var: 1}'." });
  }
  return value;
}

export function openProject(options: ProjectOptions, terminal: Terminal): Project {
  const project = loadProject({
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    target: options.target,
    vars: parseVars(options.vars),
  });
  terminal.secrets.push(...secretsOf(project.target));
  for (const warning of project.warnings) terminal.warn(warning);
  return project;
}
