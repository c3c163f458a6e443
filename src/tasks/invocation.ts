/**
 * What one command run needs from outside: where to report, when to stop, what time it is.
 * The CLI makes one per command (src/cli/invocation.ts renders it on the terminal); a program
 * using the API makes one with `createInvocation()`. Tasks (src/tasks/<command>.ts) take an
 * invocation and their options and return a typed result: they never print, never exit and never
 * set process.exitCode. What they have to say goes to `invocation.log`; node progress goes to
 * `invocation.events`.
 *
 * To add a command:
 *   1. src/tasks/<command>.ts: `export async function <command>Task(invocation: Invocation, options: <Command>Options): Promise<<Command>Result>`,
 *      where the result extends TaskResult (its `status` decides the exit code).
 *   2. export it from src/tasks/index.ts (the API in src/index.ts re-exports that file).
 *   3. src/cli/commands/<command>.ts: commander options, then
 *      `.action(commandAction(terminal, async (options) => render(terminal, await <command>Task(cliInvocation(terminal), options))))`.
 *   4. one entry in COMMANDS in src/cli/main.ts.
 * Run-time state of one command (--defer, --empty, compiled SQL) lives in the run state that
 * `forRun` (src/compile/run-state.ts) gives it, never on the parsed project.
 */
import type { TsdbtError } from '../core/errors.js';
import { silentLogger, type LogFields, type Logger, type LogLevel } from '../core/logger.js';
import type { Project } from '../compile/load-project.js';
import { LogEvent } from '../report/log-record.js';
import type { RunEvents } from '../runner/run-events.js';
import type { Progress } from '../report/progress.js';

/**
 * The lines a task has to say while it works (`Found 5 models…`, `Concurrency: 4 threads…`).
 * The CLI's Terminal is one; `logTo(logger)` makes one from any Logger.
 */
export interface TaskLog {
  info(text: string): void;
  warn(text: string): void;
  /** Debug detail (SQL, deferral targets). */
  detail(text: string): void;
  /** A named event with fields (node_start, run_summary…). */
  event(level: LogLevel, event: string, message: string, fields?: LogFields): void;
  /** An error reported without stopping the task (a failed source in `tsdbt ingest`). */
  error(error: TsdbtError): void;
}

/** What happens during a command besides log lines: nodes starting and finishing, the project being opened. */
export interface InvocationEvents extends RunEvents {
  /** Right after parsing, before anything else is said: the CLI redacts the profile's secrets and opens the log file here. */
  projectOpened?(project: Project, secrets: readonly string[]): void;
  /** Instead of projectOpened, when a command answers from an earlier one's record without parsing (compile-stamps.ts); `secrets` as for projectOpened. */
  projectReused?(opened: { dir: string; invocationId: string; config: { logPath: string } }, secrets?: readonly string[]): void;
  /** A live progress line over `total` things (`tsdbt ingest`'s sources); the CLI draws one on a terminal. */
  progress?(total: number, label: string): Progress;
}

export interface Invocation {
  readonly log: TaskLog;
  /** The Logger port for library code below the tasks (ingest, templates, the adapter). */
  readonly logger: Logger;
  readonly events: InvocationEvents;
  /** Aborted on the first SIGINT/SIGTERM (by the CLI): nothing new starts, statements in flight finish. */
  readonly signal: AbortSignal;
  readonly now: () => Date;
  /** Environment variables templates (`env_var()`) and profiles see; HOME finds ~/.tsdbt/profiles.yml. */
  readonly env: NodeJS.ProcessEnv;
}

/** How a task ended; src/cli/exit-codes.ts turns it into the process exit code, in one place. */
export type TaskStatus = 'ok' | 'failed' | 'interrupted' | 'invalid' | 'unreachable';

/** Every task's result has a status. */
export interface TaskResult {
  status: TaskStatus;
}

/** A TaskLog writing to a Logger (the programmatic API's default: silent). */
export function logTo(logger: Logger): TaskLog {
  return {
    info: (text) => logger.log('info', LogEvent.LOG, text),
    warn: (text) => logger.log('warn', LogEvent.WARNING, text),
    detail: (text) => logger.log('debug', LogEvent.LOG, text),
    event: (level, event, message, fields) => logger.log(level, event, message, fields),
    error: (error) => logger.log('error', LogEvent.ERROR, error.message, { code: error.code, file: error.file, line: error.line, hint: error.hint }),
  };
}

/** An invocation for programs using the API: silent unless given a logger, never interrupted unless given a signal. */
export function createInvocation(parts: Partial<Invocation> = {}): Invocation {
  const logger = parts.logger ?? silentLogger;
  return {
    logger,
    log: parts.log ?? logTo(logger),
    events: parts.events ?? {},
    signal: parts.signal ?? new AbortController().signal,
    now: parts.now ?? (() => new Date()),
    env: parts.env ?? process.env,
  };
}
