import type { ChalkInstance } from 'chalk';
import type { LogLevel } from '../core/logger.js';
import { atLeast, LogEvent, type LogRecord } from './log-record.js';
import { clock, fileLines, formatError, jsonLine, type Redact } from './format-record.js';
import type { RotatingFile } from './rotating-file.js';

/** What a console sink writes to: process.stderr, or anything with `write` (tests). */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width, for the live status line. */
  columns?: number;
}

/** Where log records go. Sinks never throw at the caller for a record they cannot write. */
export interface LogSink {
  write(record: LogRecord, context: SinkContext): void;
  close?(): void;
}

export interface SinkContext {
  redact: Redact;
  invocationId: string | undefined;
}

/** The smallest level a console sink shows, from --log-level, --debug and --quiet. */
export interface LevelFilter {
  minLevel: LogLevel;
}

/**
 * Human lines on stderr, prefixed with the time like dbt's console. On a terminal it can keep
 * one live status line at the bottom (`setLive`), redrawn under each permanent line.
 */
export class TextConsoleSink implements LogSink, LevelFilter {
  private live: string | undefined;

  constructor(
    private readonly stream: OutputStream,
    public minLevel: LogLevel,
    private readonly color: ChalkInstance,
    /** Stack traces with errors (--debug). */
    public withStack: () => boolean,
  ) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  write(record: LogRecord, context: SinkContext): void {
    if (!atLeast(record.level, this.minLevel)) return;
    this.clearLive();
    this.stream.write(context.redact(this.format(record)) + '\n');
    this.drawLive();
  }

  /** A status line that stays at the bottom until replaced or cleared (TTY only). */
  setLive(text: string | undefined): void {
    if (!this.isTTY) return;
    this.clearLive();
    this.live = text;
    this.drawLive();
  }

  close(): void {
    this.setLive(undefined);
  }

  private format(record: LogRecord): string {
    if (record.error !== undefined) return formatError(record.error, this.color, this.withStack());
    if (record.msg === '') return '';
    const time = this.color.dim(clock(record.ts));
    // Every line of a multi-line message gets the time, as dbt prints them.
    const lines = (text: string) =>
      text
        .split('\n')
        .map((line) => (line === '' ? '' : `${time}  ${line}`))
        .join('\n');
    // Node lines (a test's warning in the summary) carry their own words; other warnings get the prefix.
    if (record.level === 'warn' && !record.event.startsWith('node_')) return lines(`${this.color.yellow('Warning:')} ${record.msg}`);
    if (record.level === 'debug') {
      // SQL follows as it is, so it can be copied.
      const sql = record.event === LogEvent.SQL && typeof record.fields.sql === 'string' ? `\n${this.color.dim(record.fields.sql)}` : '';
      return lines(this.color.dim(record.msg)) + sql;
    }
    return lines(record.msg);
  }

  private clearLive(): void {
    if (this.live !== undefined) this.stream.write('\r\x1b[2K');
  }

  private drawLive(): void {
    if (this.live === undefined) return;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    this.stream.write(this.live.length > width ? `${this.live.slice(0, width - 1)}…` : this.live);
  }
}

/** `--log-format json`: one JSON object per line on stderr, nothing else. */
export class JsonLinesSink implements LogSink, LevelFilter {
  constructor(
    private readonly stream: OutputStream,
    public minLevel: LogLevel,
  ) {}

  write(record: LogRecord, context: SinkContext): void {
    if (!atLeast(record.level, this.minLevel)) return;
    // Blank spacer lines mean nothing to a machine.
    if (record.msg === '' && record.error === undefined) return;
    this.stream.write(jsonLine(record, context.redact, context.invocationId) + '\n');
  }
}

/**
 * The debug-level log file (`logs/tsdbt.log`). Records arriving before the project (and so
 * the file's place) is known are kept and written once `open` is called; a command that
 * never opens a project writes no file. If the file cannot be written, it stops trying and
 * reports that once through `onFailure`.
 */
export class FileLogSink implements LogSink {
  private file: RotatingFile | undefined;
  private pending: { record: LogRecord; context: SinkContext }[] = [];
  private failed = false;
  private static readonly MAX_PENDING = 5_000;

  constructor(private readonly onFailure: (message: string) => void) {}

  get path(): string | undefined {
    return this.file?.file;
  }

  open(file: RotatingFile, header: string): void {
    if (this.file !== undefined || this.failed) return;
    this.file = file;
    this.append(`${header}\n`);
    const pending = this.pending;
    this.pending = [];
    for (const { record, context } of pending) this.write(record, context);
  }

  write(record: LogRecord, context: SinkContext): void {
    if (this.failed) return;
    if (this.file === undefined) {
      if (this.pending.length < FileLogSink.MAX_PENDING) this.pending.push({ record, context });
      return;
    }
    if (record.msg === '' && record.error === undefined) return;
    this.append(fileLines(record, context.redact));
  }

  close(): void {
    this.pending = [];
    this.file?.close();
  }

  private append(text: string): void {
    try {
      this.file!.write(text);
    } catch (error) {
      this.failed = true;
      this.pending = [];
      const file = this.file!.file;
      try {
        this.file!.close();
      } catch {
        // already reporting the first failure
      }
      this.onFailure(`Cannot write the log file ${file} (${(error as Error).message}); continuing without it.`);
    }
  }
}
