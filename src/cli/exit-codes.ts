import { TsdbtError } from '../core/errors.js';

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
