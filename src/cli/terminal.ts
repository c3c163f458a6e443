import { Chalk, type ChalkInstance } from 'chalk';
import { TsdbtError } from '../errors.js';

/**
 * The one place that writes to the terminal. Logs and progress go to stderr; data a command
 * was asked for (show --output json, ls, compile --select) goes to stdout, alone.
 */
export class Terminal {
  readonly color: ChalkInstance;
  debug = false;
  quiet = false;
  /** Values to cut from every line (passwords from the profile). */
  secrets: string[] = [];

  constructor(
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
    useColor: boolean = wantsColor(),
  ) {
    this.color = new Chalk({ level: useColor ? 1 : 0 });
  }

  /** A progress or log line on stderr, prefixed with the time like dbt. */
  info(text: string): void {
    if (this.quiet) return;
    this.stderr.write(`${this.color.dim(clock())}  ${this.redact(text)}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.color.dim(clock())}  ${this.color.yellow('Warning:')} ${this.redact(text)}\n`);
  }

  /** Debug lines only with --debug. */
  detail(text: string): void {
    if (this.debug) this.stderr.write(`${this.color.dim(clock())}  ${this.color.dim(this.redact(text))}\n`);
  }

  /** Command output on stdout. */
  data(text: string): void {
    this.stdout.write(this.redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  error(error: TsdbtError): void {
    for (const one of error.all()) this.stderr.write(this.redact(formatError(one, this.color, this.debug)) + '\n');
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret.length > 0) out = out.split(secret).join('****');
    return out;
  }
}

export function formatError(error: TsdbtError, color: ChalkInstance, withStack: boolean): string {
  const lines = [`${color.red.bold(`Error ${error.code}`)}: ${error.message}`];
  if (error.location !== undefined) lines.push(`  ${color.dim('-->')} ${error.location}`);
  if (error.hint !== undefined) lines.push(`  ${color.cyan('hint:')} ${error.hint}`);
  if (withStack) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    lines.push(color.dim(error.stack ?? ''));
    if (cause?.stack) lines.push(color.dim(`Caused by: ${cause.stack}`));
  }
  return lines.join('\n');
}

function wantsColor(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stderr.isTTY === true;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Dots to align dbt-style progress lines: `1 of 4 START sql view model astro.people ..... [RUN]`. */
export function dotted(left: string, right: string, width = 80): string {
  const dots = Math.max(3, width - left.length - 1);
  return `${left} ${'.'.repeat(dots)} ${right}`;
}
