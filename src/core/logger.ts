/**
 * Structured logging used across tsdbt. Core code logs events; only src/cli decides
 * how (and whether) they are printed. Never put secrets into `fields`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  [key: string]: unknown;
}

export interface Logger {
  log(level: LogLevel, event: string, message: string, fields?: LogFields): void;
}

/** A logger that drops everything (the default for the programmatic API and tests). */
export const silentLogger: Logger = { log: () => undefined };

/** A logger that keeps events in memory; tests assert on `events`. */
export class MemoryLogger implements Logger {
  readonly events: { level: LogLevel; event: string; message: string; fields: LogFields }[] = [];
  log(level: LogLevel, event: string, message: string, fields: LogFields = {}): void {
    this.events.push({ level, event, message, fields });
  }
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
