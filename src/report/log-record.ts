import type { TsdbtError } from '../core/errors.js';
import type { LogFields, LogLevel } from '../core/logger.js';

/** One thing that happened, before any sink decides how to show it. */
export interface LogRecord {
  level: LogLevel;
  ts: Date;
  /** A stable event name (see LogEvent and docs/log-schema.json). */
  event: string;
  /** The human sentence; in text output this is the whole line. */
  msg: string;
  fields: LogFields;
  /** For `error` events: the error, so sinks can show code, location, hint (and the stack in the file). */
  error?: TsdbtError | undefined;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function atLeast(level: LogLevel, minimum: LogLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[minimum];
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Event names tsdbt itself emits. Library code may log others through a Logger (ingest uses
 * `ingest.attempt`, `ingest.retry`…); every name matches docs/log-schema.json's pattern.
 */
export const LogEvent = {
  /** A plain progress or status line. */
  LOG: 'log',
  WARNING: 'warning',
  /** A TsdbtError: `code`, and `file`, `line`, `hint` when known. */
  ERROR: 'error',
  /** Commander refused the command line (unknown option or command, missing argument). */
  USAGE_ERROR: 'usage_error',
  /** `command`, `args`, `version` (debug level). */
  COMMAND_START: 'command_start',
  /** `exit_code`, `duration_ms` (debug level). */
  COMMAND_FINISHED: 'command_finished',
  /** `node_id`, `resource_type`, `index`, `total`. */
  NODE_START: 'node_start',
  /** `node_id`, `resource_type`, `status`, `duration_ms`, `index`, `total`, and `relation`, `error_code`, `failures` when known. */
  NODE_FINISHED: 'node_finished',
  /** In the end-of-run summary, one per failing node: `node_id`, `status`, `error_code`, `compiled_path`, `message`. */
  NODE_FAILURE: 'node_failure',
  /** `slowest`: [{node_id, duration_ms}]. */
  SLOWEST_NODES: 'slowest_nodes',
  /** The end of a run: `pass`, `warn`, `error`, `skip`, `total`, `duration_ms`, `interrupted`. */
  RUN_SUMMARY: 'run_summary',
  /** SQL about to be sent (debug): `sql`, `node_id` and `purpose` when it builds a node. */
  SQL: 'sql',
  /** A statement answered (debug): `duration_ms`, `ok`, `query_id`, `rows_written`. */
  SQL_FINISHED: 'sql_finished',
  /** A database request is retried: `attempt`, `retries`, `delay_ms`, `reason`. */
  RETRY: 'retry',
} as const;

/** `waitMs` → `wait_ms`: JSON lines use snake_case keys, whatever a library logged. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase();
}
