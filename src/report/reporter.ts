import { redact } from '../adapter/translate-error.js';
import type { TsdbtError } from '../core/errors.js';
import type { LogFields, Logger, LogLevel } from '../core/logger.js';
import type { LogRecord } from './log-record.js';
import type { LogSink, SinkContext } from './sinks.js';

/**
 * Fans log records out to sinks (console text or JSON lines, the log file), redacting every
 * secret it was told about — passwords from the profile, `user:password@` in URLs — from
 * every line in every sink.
 */
export class Reporter implements Logger {
  /** Values cut from every line; grows as secrets become known (the profile is read after startup). */
  readonly secrets: string[] = [];
  private readonly context: SinkContext = { redact: (text) => redact(text, this.secrets), invocationId: undefined };

  constructor(
    private readonly sinks: LogSink[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Added to every JSON line once known (the project's run id, as in run_results.json). */
  set invocationId(id: string | undefined) {
    this.context.invocationId = id;
  }

  get invocationId(): string | undefined {
    return this.context.invocationId;
  }

  emit(level: LogLevel, event: string, msg: string, fields: LogFields = {}, error?: TsdbtError): void {
    const record: LogRecord = { level, ts: this.now(), event, msg, fields, error };
    for (const sink of this.sinks) sink.write(record, this.context);
  }

  /** The Logger interface, for library code (ingest, templates, the adapter). */
  log(level: LogLevel, event: string, message: string, fields?: LogFields): void {
    this.emit(level, event, message, fields);
  }

  redact(text: string): string {
    return this.context.redact(text);
  }

  close(): void {
    for (const sink of this.sinks) sink.close?.();
  }
}
