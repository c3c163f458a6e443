/**
 * YAML syntax errors in plain words, one per mistake, at the line where the mistake is. The parser
 * reports every consequence of one slip (a wrong indent gives three or four errors) and reports an
 * unclosed quote where the file ends; a person needs the line to edit and what to change there.
 */

export interface YamlSyntaxProblem {
  /** The parser's error code (`MISSING_CHAR`, `BAD_INDENT`, …). */
  code: string;
  /** The parser's message, first line. */
  message: string;
  /** 1-based line the parser points at. */
  line: number;
}

export interface PlainYamlError {
  line: number;
  message: string;
  hint: string;
}

/** The first problem (the rest follow from it), said in plain words at the line to edit. */
export function plainYamlError(problems: readonly YamlSyntaxProblem[], text: string): PlainYamlError | undefined {
  const first = problems[0];
  if (first === undefined) return undefined;
  const lines = text.split('\n');
  const quote = /^Missing closing (["'])quote/.exec(first.message)?.[1];
  if (quote !== undefined) {
    const opened = unclosedQuoteLine(lines, quote) ?? first.line;
    return {
      line: opened,
      message: `the ${quote === '"' ? 'double' : 'single'}-quoted value that starts on line ${opened} is never closed.`,
      hint: `Add the closing ${quote} at the end of that value${quote === "'" ? " (inside single quotes, write an apostrophe as '')" : ''}.`,
    };
  }
  const flow = /^Flow (sequence|map) .* end with a ([\]}])/.exec(first.message);
  if (flow !== null) {
    const opener = flow[2] === ']' ? '[' : '{';
    const opened = lastLineWith(lines, opener, first.line) ?? first.line;
    return {
      line: opened,
      message: `the ${flow[1] === 'sequence' ? 'list' : 'mapping'} opened with \`${opener}\` on line ${opened} is never closed with \`${flow[2]}\`.`,
      hint: `Add the closing ${flow[2]} (a ${opener}…${flow[2]} value must end on its own line or be indented further than its key).`,
    };
  }
  switch (first.code) {
    case 'TAB_AS_INDENT':
      return { line: first.line, message: `line ${first.line} is indented with a tab; YAML indents with spaces only.`, hint: 'Replace the tab with spaces.' };
    case 'DUPLICATE_KEY': {
      const key = /^\s*(?:-\s+)?([^:#]+?)\s*:/.exec(lines[first.line - 1] ?? '')?.[1];
      return {
        line: first.line,
        message: `line ${first.line} repeats the key ${key === undefined ? 'of an earlier line' : `\`${key}\``}, which this mapping already has.`,
        hint: 'Each key may appear once per mapping: merge the two entries or rename one.',
      };
    }
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return shapeError(lines, first.line);
    default:
      return {
        line: first.line,
        message: `line ${first.line} cannot be read: ${first.message}`,
        hint: 'Check indentation and quoting on that line; values with `{{ }}` or `: ` in them must be quoted.',
      };
  }
}

/** A line that is neither `key: value` nor `- item` where it stands: a missing colon, or an indent out of step. */
function shapeError(lines: readonly string[], reported: number): PlainYamlError {
  const line = firstSuspectLine(lines, reported);
  const text = lines[line - 1] ?? '';
  const indent = indentOf(text);
  const previous = previousContentLine(lines, line);
  const content = text.trim();
  if (!content.startsWith('-') && !/^[^#]*?:(\s|$)/.test(content) && previous !== undefined && /:\s*$/.test(lines[previous - 1]!.trim()) === false) {
    return {
      line,
      message: `line ${line} (\`${content}\`) is not a \`key: value\` pair or a list item.`,
      hint: 'A `:` after the key may be missing, or the line belongs to the value above and needs quoting.',
    };
  }
  if (!content.startsWith('-') && !/^[^#]*?:(\s|$)/.test(content)) {
    return { line, message: `line ${line} (\`${content}\`) has no \`:\` after its key.`, hint: 'Write `key: value`, or `key:` followed by an indented block.' };
  }
  const siblings = previous === undefined ? [] : [indentOf(lines[previous - 1]!)];
  const expected = siblings.find((value) => value !== indent);
  return {
    line,
    message: `line ${line} is indented by ${indent} space${indent === 1 ? '' : 's'}, out of step with the lines around it${expected === undefined ? '' : ` (the line before is indented by ${expected})`}.`,
    hint: 'Entries of one list or mapping must start in the same column; nested entries go further right.',
  };
}

/** The earliest line at or before `reported` whose shape is off: a key without `:`, or an indent no other line uses. */
function firstSuspectLine(lines: readonly string[], reported: number): number {
  for (let line = 1; line <= Math.min(reported, lines.length); line += 1) {
    const content = (lines[line - 1] ?? '').trim();
    if (content === '' || content.startsWith('#') || content.startsWith('-') || content.startsWith('|') || content.startsWith('>')) continue;
    const previous = previousContentLine(lines, line);
    const continuation =
      previous !== undefined && !/:\s*(#.*)?$/.test(lines[previous - 1]!.trim()) && indentOf(lines[line - 1]!) > indentOf(lines[previous - 1]!);
    if (!/^[^#]*?:(\s|$)/.test(content) && !continuation) return line;
  }
  return reported;
}

/** The last line at or before `before` that opens more `[` (or `{`) than it closes. */
function lastLineWith(lines: readonly string[], opener: string, before: number): number | undefined {
  const closer = opener === '[' ? ']' : '}';
  const count = (line: string, char: string) => line.split(char).length - 1;
  for (let index = Math.min(before, lines.length) - 1; index >= 0; index -= 1) {
    if (count(lines[index]!, opener) > count(lines[index]!, closer)) return index + 1;
  }
  return undefined;
}

function previousContentLine(lines: readonly string[], line: number): number | undefined {
  for (let index = line - 2; index >= 0; index -= 1) {
    const content = lines[index]!.trim();
    if (content !== '' && !content.startsWith('#')) return index + 1;
  }
  return undefined;
}

/** The line where a quote of this kind opens and is not closed again (a comment's quotes do not count). */
function unclosedQuoteLine(lines: readonly string[], quote: string): number | undefined {
  let open: number | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    for (let position = 0; position < line.length; position += 1) {
      const char = line[position]!;
      if (open === undefined && char === '#' && (position === 0 || /\s/.test(line[position - 1]!))) break;
      if (open === undefined && (char === '"' || char === "'") && char !== quote) {
        const close = line.indexOf(char, position + 1);
        if (close < 0) break;
        position = close;
        continue;
      }
      if (char !== quote) continue;
      if (quote === '"' && open !== undefined && line[position - 1] === '\\') continue;
      if (quote === "'" && open !== undefined && line[position + 1] === "'") {
        position += 1;
        continue;
      }
      open = open === undefined ? index + 1 : undefined;
    }
  }
  return open;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
