import { stripVTControlCharacters } from 'node:util';
import type { ChalkInstance } from 'chalk';
import type { TsdbtError } from '../core/errors.js';
import type { LogRecord } from './log-record.js';
import { snakeCase } from './log-record.js';

export type Redact = (text: string) => string;

/**
 * One JSON object, one line: `level`, `ts`, `event`, `msg` first, then `invocation_id`, the error's
 * `code`/`file`/`line`/`hint`, then the event's own fields in snake_case. Every string is redacted
 * and stripped of colour codes; values JSON cannot hold (bigint, Error, Date) become strings.
 */
export function jsonLine(record: LogRecord, redact: Redact, invocationId?: string): string {
  const out: Record<string, unknown> = {
    level: record.level,
    ts: record.ts.toISOString(),
    event: record.event,
    msg: clean(record.msg, redact),
  };
  if (invocationId !== undefined) out.invocation_id = invocationId;
  if (record.error !== undefined) {
    out.code = record.error.code;
    if (record.error.file !== undefined) out.file = record.error.file;
    if (record.error.line !== undefined) out.line = record.error.line;
    if (record.error.hint !== undefined) out.hint = clean(record.error.hint, redact);
  }
  for (const [key, value] of Object.entries(record.fields)) {
    const name = snakeCase(key);
    if (name in out) continue;
    const json = jsonValue(value, redact, 0);
    if (json !== undefined) out[name] = json;
  }
  return JSON.stringify(out);
}

function jsonValue(value: unknown, redact: Redact, depth: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return clean(value, redact);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return clean(value.message, redact);
  if (depth >= 6) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => jsonValue(item, redact, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const json = jsonValue(item, redact, depth + 1);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

function clean(text: string, redact: Redact): string {
  return redact(stripVTControlCharacters(text));
}

/**
 * The log file's line (dbt's "debug" format): `12:01:02.345 [info ] node_start: 1 of 3 START …`,
 * followed by the SQL and, for errors, the hint and stack trace, indented.
 */
export function fileLines(record: LogRecord, redact: Redact): string {
  const level = record.level.padEnd(5);
  const lines = [`${clockMs(record.ts)} [${level}] ${record.event}: ${stripVTControlCharacters(record.msg)}`];
  const sql = record.fields.sql;
  if (typeof sql === 'string' && sql !== '') lines.push(indent(sql));
  if (record.error !== undefined) lines.push(indent(errorDetails(record.error)));
  return redact(lines.join('\n')) + '\n';
}

function errorDetails(error: TsdbtError): string {
  const parts = [`${error.code}${error.location === undefined ? '' : ` at ${error.location}`}`];
  if (error.hint !== undefined) parts.push(`hint: ${error.hint}`);
  if (error.stack !== undefined) parts.push(error.stack);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  if (cause?.stack !== undefined) parts.push(`Caused by: ${cause.stack}`);
  return parts.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** `Error TSDBT2003: message`, then `--> file:line`, `hint: …`, and with `withStack` the stacks. */
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

/** `14:03:59`, local time, as dbt prefixes its console lines. */
export function clock(date: Date): string {
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function clockMs(date: Date): string {
  return `${clock(date)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}
