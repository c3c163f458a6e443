/**
 * Database errors in the user's coordinates. ClickHouse reports positions in the statement tsdbt
 * sent (a CREATE … AS wrapped around the compiled SQL), and names unknown identifiers without any
 * position; a person needs the line of their own model file, and of target/compiled/….
 */

import { ErrorCodes, TsdbtError } from '../core/errors.js';

export interface ModelText {
  /** The model file, relative to the project (`models/people.sql`). */
  file: string;
  rawSql: string;
  compiledSql: string;
  /** Where the compiled SQL was written (`target/compiled/…`), when it was. */
  compiledPath?: string | undefined;
}

export interface Place {
  line: number;
  column: number;
}

/** ClickHouse error names that mean: the data no longer fits the table's column types. */
const TYPE_CHANGE_ERRORS =
  /\((?:ClickHouse error \d+ )?(CANNOT_PARSE_TEXT|CANNOT_PARSE_NUMBER|CANNOT_CONVERT_TYPE|TYPE_MISMATCH|CANNOT_PARSE_DATETIME|CANNOT_PARSE_DATE|ILLEGAL_TYPE_OF_ARGUMENT|NO_COMMON_TYPE)\)/;

/**
 * The error with the model file, line and column filled in (and said in its message) when the
 * statement position or a named identifier can be traced back to the model; otherwise unchanged.
 */
export function placeInModel(error: TsdbtError, statement: string | undefined, model: ModelText): TsdbtError {
  if (error.code !== ErrorCodes.SQL_ERROR || error.file !== undefined) return error;
  const place = placeOfError(error.message, statement, model);
  if (place === undefined) return error;
  const compiledLine = place.compiled === undefined || model.compiledPath === undefined ? '' : `, line ${place.compiled.line} of ${model.compiledPath}`;
  const where = `${model.file}:${place.source.line}:${place.source.column}${compiledLine}`;
  // The statement's own coordinates would only mislead once the model's are given.
  const message = error.message
    .replace(/rejected the statement(?: at line \d+, column \d+)?/, `rejected the model at ${where}`)
    .replace(/ at position \d+/, '')
    .replace(/ \(line \d+, col \d+\)/, '');
  return new TsdbtError({
    code: error.code,
    message,
    file: model.file,
    line: place.source.line,
    column: place.source.column,
    hint: error.hint,
    cause: error.cause,
    related: error.related,
  });
}

/**
 * The on_schema_change / --full-refresh hint for an incremental run that failed because the new
 * rows no longer fit the existing table's column types.
 */
export function withTypeChangeHint(error: TsdbtError, model: { name: string; onSchemaChange: unknown }): TsdbtError {
  if (error.code !== ErrorCodes.SQL_ERROR || !TYPE_CHANGE_ERRORS.test(error.message)) return error;
  const setting = typeof model.onSchemaChange === 'string' ? model.onSchemaChange : 'ignore';
  const hint =
    `The incremental model '${model.name}' inserts into a table built earlier, and its column types seem to have changed since ` +
    `(on_schema_change is '${setting}'). Rebuild the table with \`tsdbt run --full-refresh --select ${model.name}\`, or set ` +
    "`on_schema_change: sync_all_columns` (or 'fail' to be told) in the model's config.";
  // Said in the message too: a node's failure is reported by its message alone in the run summary.
  return new TsdbtError({
    code: error.code,
    message: `${error.message} ${hint}`,
    file: error.file,
    line: error.line,
    column: error.column,
    hint,
    cause: error.cause,
    related: error.related,
  });
}

function placeOfError(message: string, statement: string | undefined, model: ModelText): { source: Place; compiled?: Place } | undefined {
  const fromPosition = statement === undefined ? undefined : placeOfStatementPosition(message, statement, model);
  if (fromPosition !== undefined) return fromPosition;
  const name = namedIdentifier(message);
  if (name === undefined) return undefined;
  const source = findWord(model.rawSql, name);
  if (source === undefined) return undefined;
  const compiled = findWord(model.compiledSql, name);
  return compiled === undefined ? { source } : { source, compiled };
}

/** `(line 7, col 11)` in the statement, mapped into the compiled SQL and from there to the model file. */
function placeOfStatementPosition(message: string, statement: string, model: ModelText): { source: Place; compiled: Place } | undefined {
  const match = /at line (\d+), column (\d+)/.exec(message);
  if (match === null) return undefined;
  const offset = offsetOf(statement, Number(match[1]), Number(match[2]));
  const start = statement.indexOf(model.compiledSql);
  if (offset === undefined || start < 0 || offset < start || offset > start + model.compiledSql.length) return undefined;
  const compiled = placeOf(model.compiledSql, offset - start);
  const source = sourceLineOf(model, compiled);
  return { source, compiled };
}

/** The model line that holds the compiled line: the same text (white space aside), nearest by line number. */
function sourceLineOf(model: ModelText, compiled: Place): Place {
  const compiledLines = model.compiledSql.split('\n');
  const text = (compiledLines[compiled.line - 1] ?? '').trim();
  const rawLines = model.rawSql.split('\n');
  const candidates = rawLines.map((line, index) => ({ line: line.trim(), index })).filter((entry) => entry.line === text && text !== '');
  if (candidates.length > 0) {
    const best = candidates.reduce((a, b) => (Math.abs(b.index + 1 - compiled.line) < Math.abs(a.index + 1 - compiled.line) ? b : a));
    const indent = (rawLines[best.index] ?? '').length - (rawLines[best.index] ?? '').trimStart().length;
    const compiledIndent = (compiledLines[compiled.line - 1] ?? '').length - (compiledLines[compiled.line - 1] ?? '').trimStart().length;
    return { line: best.index + 1, column: Math.max(1, compiled.column - compiledIndent + indent) };
  }
  // The line came out of Jinja (a loop, a macro): the word at the error is the best clue left.
  const word = /^[\w.`"]+/.exec((compiledLines[compiled.line - 1] ?? '').slice(compiled.column - 1))?.[0]?.replace(/[`"]/g, '');
  const found = word === undefined || word === '' ? undefined : findWord(model.rawSql, word.split('.').pop()!);
  return found ?? { line: Math.min(compiled.line, rawLines.length), column: 1 };
}

/** The identifier ClickHouse says it does not know, without quotes and database prefix. */
function namedIdentifier(message: string): string | undefined {
  const patterns = [
    /Unknown (?:expression or function |expression |table expression )?identifier [`'"]([^`'"]+)[`'"]/,
    /Missing columns: '([^']+)'/,
    /There's no column '([^']+)'/,
    /Unknown function ([\w.]+)/,
    /Table ([\w.`]+) (?:doesn't|does not) exist/,
    /Unknown column ([\w.`]+)/,
  ];
  for (const pattern of patterns) {
    const name = pattern.exec(message)?.[1];
    if (name !== undefined) return name.replace(/`/g, '').split('.').pop();
  }
  return undefined;
}

/** The first place `word` stands as a whole word (outside `{{ }}` noise is fine: ref names count). */
function findWord(text: string, word: string): Place | undefined {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const code = blankComments(text);
  const match = new RegExp(`(?<![\\w.])${escaped}(?!\\w)`).exec(code) ?? new RegExp(`(?<!\\w)${escaped}(?!\\w)`).exec(code);
  return match === null ? undefined : placeOf(text, match.index);
}

/** SQL and Jinja comments turned into spaces, keeping every offset and line break where it was. */
function blankComments(text: string): string {
  return text.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|\{#[\s\S]*?#\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

function placeOf(text: string, offset: number): Place {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function offsetOf(text: string, line: number, column: number): number | undefined {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  return offset + column - 1;
}
