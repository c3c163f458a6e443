import { ErrorCodes, TsdbtError } from '../core/errors.js';

interface NunjucksError {
  message?: string;
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

/** Signals `{{ return(value) }}` from inside a macro; caught by the macro wrapper. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

/**
 * Turns a nunjucks error into a TsdbtError at `file:line`. Errors our own functions raised
 * (unknown ref, raise_compiler_error…) keep their code and gain the location.
 */
export function templateError(error: unknown, file: string, lineOffset = 0, lastLine?: number): TsdbtError {
  const e = (error ?? {}) as NunjucksError;
  const inner = innermost(error);
  // "expected endif, got end of file" carries no position: the end of the file is where it is.
  let line = lineOf(e, lineOffset) ?? (/end of file/.test(String(e.message ?? '')) ? lastLine : undefined);
  if (inner instanceof TsdbtError) {
    return new TsdbtError({
      code: inner.code,
      message: inner.message,
      file: inner.file ?? file,
      line: inner.line ?? line,
      hint: inner.hint,
      cause: inner.cause,
      related: inner.related,
    });
  }
  const raw = String(inner instanceof Error ? inner.message : (e.message ?? error));
  if (/Maximum call stack size exceeded/.test(raw) || /Maximum call stack size exceeded/.test(String(e.message ?? ''))) {
    return new TsdbtError({
      code: ErrorCodes.TEMPLATE_TOO_DEEP,
      message: `${file} nests Jinja blocks, expressions or macro calls deeper than tsdbt can render${line === undefined ? '' : ` (near line ${line})`}.`,
      file,
      line,
      hint: 'Flatten the nesting: a few hundred levels render; thousands (often generated text, or a macro calling itself without end) do not.',
      cause: error,
    });
  }
  // nunjucks prefixes "(path) [Line n, Column m]\n  "; keep only what went wrong.
  const detail = raw
    .replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/s, '')
    .replace(/^(Template render error|Error): /, '')
    .trim();
  const syntax =
    /^(unexpected|expected|parse|unknown block tag|invalid|cannot parse|unclosed|Template render error: \(unknown path\))/i.test(detail) ||
    /parseSignature|unknown block tag/i.test(raw);
  // A syntax error nunjucks gives no position for (an unclosed string runs to the end): the end of the file is where it shows.
  if (syntax && line === undefined) line = lastLine;
  return new TsdbtError({
    code: syntax ? ErrorCodes.TEMPLATE_SYNTAX : ErrorCodes.TEMPLATE_RENDER,
    message: `${syntax ? 'Jinja syntax error' : 'Jinja error'} in ${file}${line === undefined ? '' : ` at line ${line}`}: ${friendly(detail)}`,
    file,
    line,
    hint: syntax
      ? 'Check that every {% if %}/{% for %}/{% macro %} has its end tag and that {{ }} and {% %} are balanced.'
      : 'Check the names used near that line: macros must exist in macros/, and variables must be defined.',
    cause: error,
  });
}

/**
 * nunjucks sets `lineno` on its errors (and prints it in the message, except on the first line,
 * where it is 0 and falsy). Parse errors count lines from 1; render errors (those wrapping a
 * cause) count from 0.
 */
function lineOf(e: NunjucksError, offset: number): number | undefined {
  const match = /\[Line (\d+)/.exec(String(e.message ?? ''));
  const reported = typeof e.lineno === 'number' ? e.lineno : match ? Number(match[1]) : undefined;
  if (reported === undefined) return undefined;
  return reported + (e.cause === undefined ? 0 : 1) + offset;
}

function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth += 1) {
    if (current instanceof TsdbtError) return current;
    const cause = (current as NunjucksError | undefined)?.cause;
    if (cause === undefined || cause === null) return current;
    current = cause;
  }
  return current;
}

function friendly(detail: string): string {
  const unknownFunction = /Unable to call `([^`]+)`, which is undefined or falsey/.exec(detail);
  if (unknownFunction) return `'${unknownFunction[1]}' is not defined (no macro or function has that name).`;
  const unclosed = /^parse(\w+): expected (.+), got end of file/.exec(detail);
  if (/^unexpected end of file$/.test(detail)) return 'the file ends inside a block that is never closed (a {% for %}, {% macro %}… without its end tag).';
  if (unclosed) return `a {% ${unclosed[1]!.toLowerCase()} %} block is never closed (expected ${unclosed[2]} before the end of the file).`;
  return detail.split('\n')[0] ?? detail;
}
