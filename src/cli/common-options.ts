import { Option, type Command } from 'commander';
import { yamlLib } from '../config/yaml-lib.js';
import { loadProject, type Project } from '../compile/load-project.js';
import type { PhaseTimer } from '../compile/perf-info.js';
import { isPlainObject } from '../config/value-checks.js';
import { secretEnvValues } from '../template/secret-env.js';
import { secretsOf } from '../config/target.js';
import { ErrorCodes, TsdbtError, type ErrorCode } from '../core/errors.js';
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
  /** --state: the target/ folder of an earlier run, for `state:` and `result:` selectors and --defer. */
  state?: string;
  /** Unique ids chosen beforehand (`tsdbt retry`); replaces --select, --exclude and --selector. */
  ids?: readonly string[];
}

/** --defer and --favor-state (they need --state). */
export interface DeferOptions {
  defer?: boolean;
  favorState?: boolean;
}

/** How a command that builds things runs them. */
export interface ExecutionOptions {
  threads?: string;
  fullRefresh?: boolean;
  failFast?: boolean;
  empty?: boolean;
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
    .option('--selector <name>', 'a named selector from selectors.yml (one marked `default: true` applies when no selection is given)')
    .addOption(new Option('--state <dir>', 'artifacts (manifest.json, run_results.json) of an earlier run, for state:modified, result:error and --defer').env('TSDBT_STATE'));
}

/** For commands that render models: resolve refs to unselected parents in the --state environment. */
export function deferOptions(command: Command): Command {
  return command
    .option('--defer', 'read unselected parents from the relations named in the --state manifest when they are missing here')
    .option('--favor-state', 'with --defer: read unselected parents from the --state relations even when they exist here');
}

/** For commands that build: --threads, --full-refresh, --fail-fast, --empty. */
export function executionOptions(command: Command): Command {
  return failFastOption(
    command
      .option('--threads <n>', "nodes built at the same time (default: the target's threads)")
      .option('--full-refresh', 'rebuild incremental models from scratch'),
  ).option('--empty', 'build with zero rows: every ref() and source() reads as an empty relation (checks SQL and types cheaply)');
}

/** -x, --fail-fast: for every command that runs nodes. */
export function failFastOption(command: Command): Command {
  return command.option('-x, --fail-fast', 'stop starting nodes after the first failure (the rest are skipped)');
}

/** --threads as a number, or the target's default. */
export function parseThreads(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new TsdbtError({ code: ErrorCodes.USAGE, message: `--threads must be a whole number from 1 to 256, but it is '${text}'.`, hint: 'For example: --threads 4.' });
  }
  return value;
}

export function parseVars(text: string | undefined): Record<string, unknown> {
  return parseYamlMapping(text, { flag: '--vars', code: ErrorCodes.VARS_INVALID, of: '', example: '{my_var: 1, other: "text"}', shortExample: '{my_var: 1}' });
}

/** A YAML mapping given on the command line (`--vars`, `run-operation --args`); errors name the flag and show an example. */
export function parseYamlMapping(
  text: string | undefined,
  option: { flag: string; code: ErrorCode; of: string; example: string; shortExample: string },
): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = yamlLib().parse(text);
  } catch (error) {
    throw new TsdbtError({
      code: option.code,
      message: `${option.flag} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      hint: `Pass a mapping${option.of}, e.g. ${option.flag} '${option.example}'.`,
    });
  }
  if (!isPlainObject(value)) {
    throw new TsdbtError({ code: option.code, message: `${option.flag} must be a YAML mapping${option.of}, but it is ${JSON.stringify(value)}.`, hint: `For example: ${option.flag} '${option.shortExample}'.` });
  }
  return value;
}

export function openProject(options: ProjectOptions, terminal: Terminal, timer?: PhaseTimer): Project {
  const project = loadProject({
    timer,
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    target: options.target,
    vars: parseVars(options.vars),
    logger: terminal.logger,
  });
  // Redacts the profile's secrets, tags log lines with the invocation id, opens logs/tsdbt.log.
  terminal.useProject(project, [...secretsOf(project.target), ...secretEnvValues(process.env)]);
  for (const warning of project.warnings) terminal.warn(warning);
  return project;
}
