import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { TsdbtError } from '../core/errors.js';
import type { LogFields, Logger, LogLevel } from '../core/logger.js';
import { isLogLevel, LogEvent } from '../report/log-record.js';
import { LIVE_PROGRESS_MIN_ITEMS, LiveProgress, noProgress, type Progress } from '../report/progress.js';
import { Reporter } from '../report/reporter.js';
import { DEFAULT_LOG_BACKUPS, DEFAULT_LOG_MAX_BYTES, RotatingFile } from '../report/rotating-file.js';
import { FileLogSink, JsonLinesSink, TextConsoleSink, type LevelFilter, type OutputStream } from '../report/sinks.js';

export { formatError } from '../report/format-record.js';

export type LogFormat = 'text' | 'json';

/** How the console output looks; read from the command line before it is parsed (see outputSettingsFromArgv). */
export interface OutputSettings {
  format: LogFormat;
  /** Smallest level shown on the console (the log file always gets debug). */
  level: LogLevel;
  /** Only errors on the console. */
  quiet: boolean;
  /** Debug lines, SQL and stack traces. */
  debug: boolean;
  /** undefined: decide from NO_COLOR / FORCE_COLOR / whether stderr is a terminal. */
  color: boolean | undefined;
  /** Overrides the project's `log-path`. */
  logPath: string | undefined;
  /** Size at which logs/tsdbt.log rolls over; 0 means never. */
  logFileMaxBytes: number;
}

export const defaultOutputSettings: OutputSettings = {
  format: 'text',
  level: 'info',
  quiet: false,
  debug: false,
  color: undefined,
  logPath: undefined,
  logFileMaxBytes: DEFAULT_LOG_MAX_BYTES,
};

export interface TerminalOptions extends Partial<OutputSettings> {
  stdout?: OutputStream;
  stderr?: OutputStream;
  now?: () => Date;
  /** chalk's class, for coloured output (see createTerminal); loaded here when needed and not given. */
  chalk?: ChalkClass;
}

export type ChalkClass = typeof import('chalk').Chalk;

/**
 * A Terminal, with chalk loaded only when its output is coloured: chalk and the modules it loads
 * (node:tty, node:os) cost a command's start about as much as commander does, for nothing when
 * the output goes to a file or a pipe.
 */
export async function createTerminal(options: TerminalOptions = {}): Promise<Terminal> {
  const settings = { ...defaultOutputSettings, ...stripUndefined(options) };
  const chalk = colorWanted(settings, options.stderr ?? process.stderr) ? (await import('chalk')).Chalk : undefined;
  return new Terminal({ ...options, chalk });
}

/** What the terminal needs to know about an opened project. */
export interface OpenedProject {
  dir: string;
  invocationId: string;
  config: { logPath: string };
}

/**
 * The one place that writes to the terminal. Logs and progress go to stderr (as text lines or,
 * with --log-format json, JSON lines); data a command was asked for (show --output json, ls,
 * compile --select) goes to stdout, alone. Everything logged also goes, at debug level, to the
 * project's log file once the project is known.
 */
export class Terminal {
  readonly color: ChalkInstance;
  readonly format: LogFormat;
  /** The Logger interface for library code (ingest, templates, adapter): its events reach every sink. */
  readonly logger: Logger;
  private readonly reporter: Reporter;
  private readonly console: TextConsoleSink | JsonLinesSink;
  private readonly file: FileLogSink;
  private readonly stdout: OutputStream;
  private readonly settings: OutputSettings;
  private readonly startedAt: number;
  private debugOn: boolean;
  private quietOn: boolean;

  constructor(options: TerminalOptions = {}) {
    const { stdout: _stdout, stderr: _stderr, now: _now, ...given } = options;
    this.settings = { ...defaultOutputSettings, ...stripUndefined(given) };
    this.stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    this.format = this.settings.format;
    this.color = colorWanted(this.settings, stderr) ? new (options.chalk ?? requireChalk())({ level: 1 }) : PLAIN;
    this.debugOn = this.settings.debug;
    this.quietOn = this.settings.quiet;
    this.console = this.format === 'json' ? new JsonLinesSink(stderr, 'info') : new TextConsoleSink(stderr, 'info', this.color, () => this.debugOn);
    this.file = new FileLogSink((message) =>
      this.console.write(
        { level: 'warn', ts: new Date(), event: LogEvent.WARNING, msg: message, fields: {} },
        { redact: (text) => this.redact(text), invocationId: undefined },
      ),
    );
    this.reporter = new Reporter([this.console, this.file], options.now);
    this.logger = this.reporter;
    this.startedAt = Date.now();
    this.applyLevel();
  }

  /** Debug lines, SQL and stack traces on the console. */
  get debug(): boolean {
    return this.debugOn;
  }

  set debug(on: boolean) {
    this.debugOn = on;
    this.applyLevel();
  }

  /** Only errors on the console (the log file still gets everything). */
  get quiet(): boolean {
    return this.quietOn;
  }

  set quiet(on: boolean) {
    this.quietOn = on;
    this.applyLevel();
  }

  /** Values to cut from every line (passwords from the profile). Push to it. */
  get secrets(): string[] {
    return this.reporter.secrets;
  }

  /** The log file being written, once a project is open. */
  get logFile(): string | undefined {
    return this.file.path;
  }

  /** A progress or status line. */
  info(text: string): void {
    this.reporter.emit('info', LogEvent.LOG, text);
  }

  warn(text: string): void {
    this.reporter.emit('warn', LogEvent.WARNING, text);
  }

  /** Debug lines: on the console only with --debug / --log-level debug; always in the log file. */
  detail(text: string): void {
    this.reporter.emit('debug', LogEvent.LOG, text);
  }

  /** A named event with fields (node_start, run_summary…): text shows `msg`, JSON shows everything. */
  event(level: LogLevel, event: string, msg: string, fields: LogFields = {}): void {
    this.reporter.emit(level, event, msg, fields);
  }

  /** A progress line with a status on the right: dotted to a column in text, plain in JSON. */
  aligned(left: string, right: string): string {
    return this.format === 'json' ? `${left} ${right}` : dotted(left, right);
  }

  /** Command output on stdout. */
  data(text: string): void {
    this.stdout.write(this.redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  error(error: TsdbtError): void {
    for (const one of error.all()) this.reporter.emit('error', LogEvent.ERROR, one.message, {}, one);
  }

  redact(text: string): string {
    return this.reporter.redact(text);
  }

  /**
   * Once the project is loaded: its secrets are redacted, its invocation id tags every JSON line,
   * and the log file opens at `<project>/<log-path>/tsdbt.log` (with what was logged so far).
   */
  useProject(project: OpenedProject, secrets: readonly string[] = []): void {
    this.secrets.push(...secrets);
    this.reporter.invocationId = project.invocationId;
    this.openLogFile(project.dir, project.config.logPath);
  }

  /** Opens the log file (once); `logPath` is relative to `projectDir` unless absolute. --log-path wins. */
  openLogFile(projectDir: string, logPath: string): void {
    const folder = path.resolve(projectDir, this.settings.logPath ?? logPath);
    const file = new RotatingFile(path.join(folder, 'tsdbt.log'), this.settings.logFileMaxBytes, DEFAULT_LOG_BACKUPS);
    const header = `${'='.repeat(30)} ${new Date().toISOString()} | ${this.reporter.invocationId ?? 'no invocation id'} ${'='.repeat(30)}`;
    this.file.open(file, header);
  }

  /**
   * Progress of `total` items. The caller still prints one permanent line per item; on a
   * terminal, with enough items, a live status line at the bottom shows what is running.
   */
  progress(total: number, label: string): Progress {
    const console = this.console;
    if (!(console instanceof TextConsoleSink) || !console.isTTY || this.quietOn || total < LIVE_PROGRESS_MIN_ITEMS) return noProgress;
    return new LiveProgress(total, label, (line) => console.setLive(line === undefined ? undefined : this.color.dim(line)));
  }

  /** Records how the command ended and closes the log file. */
  close(exitCode: number): void {
    this.reporter.emit('debug', LogEvent.COMMAND_FINISHED, `Command finished with exit code ${exitCode} in ${Date.now() - this.startedAt} ms`, {
      exit_code: exitCode,
      duration_ms: Date.now() - this.startedAt,
    });
    this.reporter.close();
  }

  private applyLevel(): void {
    const filter: LevelFilter = this.console;
    filter.minLevel = this.quietOn ? 'error' : this.debugOn ? 'debug' : this.settings.level;
  }
}

/**
 * Output settings from the raw command line and environment, before commander parses it (so
 * even a usage error is reported in the requested format). Commander validates the same flags
 * afterwards; values that are not valid are ignored here.
 */
export function outputSettingsFromArgv(args: readonly string[], env: NodeJS.ProcessEnv = process.env): OutputSettings {
  const settings: OutputSettings = { ...defaultOutputSettings };
  const format = env.TSDBT_LOG_FORMAT;
  if (format === 'text' || format === 'json') settings.format = format;
  if (isLogLevel(env.TSDBT_LOG_LEVEL)) settings.level = env.TSDBT_LOG_LEVEL;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') break;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[index + 1];
    if (flag === '--debug' || flag === '-d') settings.debug = true;
    else if (flag === '--quiet' || flag === '-q') settings.quiet = true;
    else if (flag === '--no-color') settings.color = false;
    else if (flag === '--log-format') {
      const given = value();
      if (given === 'text' || given === 'json') settings.format = given;
    } else if (flag === '--log-level') {
      const given = value();
      if (isLogLevel(given)) settings.level = given;
    } else if (flag === '--log-path') {
      const given = value();
      if (given !== undefined) settings.logPath = given;
    } else if (flag === '--log-file-max-bytes') {
      const given = Number(value());
      if (Number.isInteger(given) && given >= 0) settings.logFileMaxBytes = given;
    }
  }
  return settings;
}

function colorWanted(settings: OutputSettings, stderr: { isTTY?: boolean }): boolean {
  return settings.format === 'text' && (settings.color ?? wantsColor(stderr));
}

/** chalk for a Terminal made without createTerminal (a program's own, a test's). */
function requireChalk(): ChalkClass {
  return (createRequire(import.meta.url)('chalk') as typeof import('chalk')).Chalk;
}

/**
 * What chalk gives without colour (level 0), without loading chalk: any style, chained or not,
 * returns its text (several arguments joined by spaces, as chalk joins them).
 */
const PLAIN: ChalkInstance = new Proxy((...text: unknown[]) => (text.length === 1 ? String(text[0]) : text.join(' ')), {
  get: (_target, key) => (key === 'level' ? 0 : PLAIN),
}) as unknown as ChalkInstance;

function wantsColor(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** Dots to align dbt-style progress lines: `1 of 4 START sql view model astro.people ..... [RUN]`. */
export function dotted(left: string, right: string, width = 80): string {
  const dots = Math.max(3, width - left.length - 1);
  return `${left} ${'.'.repeat(dots)} ${right}`;
}
