import type { TsdbtError } from '../core/errors.js';
import type { TaskStatus } from '../tasks/invocation.js';

/** Documented exit codes. */
export const ExitCode = {
  OK: 0,
  /** A model, test or ingest failed. */
  FAILURE: 1,
  /** Bad usage, configuration or project files. */
  USAGE: 2,
  /** The database could not be reached (or is locked by another process). */
  UNREACHABLE: 3,
  INTERRUPTED: 130,
} as const;

export function exitCodeFor(error: TsdbtError): number {
  const family = error.code.slice(5, 6);
  if (family === '1' || family === '2' || family === '3') return ExitCode.USAGE;
  if (['TSDBT4001', 'TSDBT4003', 'TSDBT4004', 'TSDBT4005', 'TSDBT4800'].includes(error.code)) return ExitCode.UNREACHABLE;
  return ExitCode.FAILURE;
}

const EXIT_CODE_OF_STATUS: Record<TaskStatus, number> = {
  ok: ExitCode.OK,
  failed: ExitCode.FAILURE,
  invalid: ExitCode.USAGE,
  unreachable: ExitCode.UNREACHABLE,
  interrupted: ExitCode.INTERRUPTED,
};

/** The exit code of a command whose task returned (a thrown error goes through exitCodeFor instead). */
export function exitCodeOf(status: TaskStatus): number {
  return EXIT_CODE_OF_STATUS[status];
}

/**
 * Wraps a command's commander action: the action renders its task's result and returns the
 * task's status; main() turns the status of the command that ran into the exit code
 * (the one place that sets process.exitCode).
 */
export function commandAction<A extends unknown[]>(action: (...args: A) => Promise<TaskStatus> | TaskStatus): (...args: A) => Promise<void> {
  return async (...args: A) => {
    lastStatus = await action(...args);
  };
}

let lastStatus: TaskStatus | undefined;

/** The status the command's action returned, once (undefined when no action ran: help, version). */
export function takeCommandStatus(): TaskStatus | undefined {
  const status = lastStatus;
  lastStatus = undefined;
  return status;
}
