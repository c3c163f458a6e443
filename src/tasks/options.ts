import { yamlLib } from '../config/yaml-lib.js';
import { isPlainObject } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError, type ErrorCode } from '../core/errors.js';
import { parseTime } from '../materialize/microbatch.js';
import type { MicrobatchRun } from '../runner/microbatch-batches.js';

/** The options every task that reads the project takes (the CLI's --project-dir, --profiles-dir, --target, --vars). */
export interface ProjectOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  /** --vars: YAML text, or the mapping itself. */
  vars?: string | Record<string, unknown>;
}

export interface SelectOptions {
  select?: string[];
  /** `-m/--models`: dbt's older name for --select, merged into it. */
  models?: string[];
  /** Exit non-zero when a --select criterion matches nothing (a warning otherwise, as in dbt). */
  failOnEmptySelection?: boolean;
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
  /** --threads (text from the command line, or a number). */
  threads?: string | number;
  fullRefresh?: boolean;
  failFast?: boolean;
  empty?: boolean;
  /** --event-time-start/--event-time-end: the batches microbatch models build. */
  eventTimeStart?: string;
  eventTimeEnd?: string;
  /** Set by `tsdbt retry`: the failed batches of microbatch models, by unique id. */
  retryBatches?: Record<string, [string, string][]>;
}

/** --event-time-start/--event-time-end (and retry's failed batches) for the runner, the times checked. */
export function microbatchOptions(options: ExecutionOptions): MicrobatchRun {
  const time = (flag: string, value: string | undefined): Date | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseTime(value);
    if (parsed === undefined)
      throw new TsdbtError({
        code: ErrorCodes.USAGE,
        message: `${flag} must be a date or time, but it is '${value}'.`,
        hint: `For example: ${flag} 2024-01-03 or ${flag} 2024-01-03T06:00:00Z.`,
      });
    return parsed;
  };
  const start = time('--event-time-start', options.eventTimeStart);
  const end = time('--event-time-end', options.eventTimeEnd);
  if (start !== undefined && end !== undefined && start >= end) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--event-time-start (${options.eventTimeStart}) must be before --event-time-end (${options.eventTimeEnd}).`,
    });
  }
  return { eventTimeStart: start, eventTimeEnd: end, retryBatches: options.retryBatches };
}

/** --threads as a number, or the target's default. */
export function parseThreads(given: string | number | undefined, fallback: number): number {
  if (given === undefined) return fallback;
  const text = String(given);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new TsdbtError({
      code: ErrorCodes.USAGE,
      message: `--threads must be a whole number from 1 to 256, but it is '${text}'.`,
      hint: 'For example: --threads 4.',
    });
  }
  return value;
}

export function parseVars(text: string | Record<string, unknown> | undefined): Record<string, unknown> {
  if (typeof text === 'object') return text;
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
    throw new TsdbtError({
      code: option.code,
      message: `${option.flag} must be a YAML mapping${option.of}, but it is ${JSON.stringify(value)}.`,
      hint: `For example: ${option.flag} '${option.shortExample}'.`,
    });
  }
  return value;
}
