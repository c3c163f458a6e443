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

/** Event names live with the logger port in core; re-exported here for the sinks and the CLI. */
export { LogEvent } from '../core/logger.js';

/** `waitMs` → `wait_ms`: JSON lines use snake_case keys, whatever a library logged. */
export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}
