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
