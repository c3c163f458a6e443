import { isCollection, isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ErrorCodes, TsdbtError, type ErrorCode } from '../errors.js';

/** A parsed YAML file that can say on which line any value stands. */
export interface YamlDocument {
  /** Display path (relative to the project when possible). */
  file: string;
  value: unknown;
  /** Line (1-based) of the value at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Parses YAML text; syntax errors become one TsdbtError per problem, with file:line. */
export function parseYaml(text: string, file: string, code: ErrorCode = ErrorCodes.CONFIG_YAML_INVALID): YamlDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = doc.errors.map((error) => {
    const line = lineCounter.linePos(error.pos[0]).line;
    return new TsdbtError({
      code,
      message: `${file} is not valid YAML: ${error.message.split('\n')[0]}`,
      file,
      line,
      hint: 'Check indentation and quoting near that line; values with `{{ }}` or `:` must be quoted.',
    });
  });
  if (errors.length === 0) errors.push(...collectionKeys(doc, text, lineCounter, file, code));
  if (errors.length > 0) {
    const [first, ...rest] = errors;
    throw new TsdbtError({ code, message: first!.message, file, line: first!.line, hint: first!.hint, related: rest });
  }
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

/**
 * `key: {{ env_var('X') }}` is valid YAML, but it means a mapping whose key is a mapping: always an
 * unquoted Jinja expression in a config file. Said plainly here instead of failing later, obscurely.
 */
function collectionKeys(doc: Document, text: string, lineCounter: LineCounter, file: string, code: ErrorCode): TsdbtError[] {
  const errors: TsdbtError[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (!isCollection(pair.key)) return;
      const start = pair.key.range?.[0];
      // `{{ x }}` parses as a flow mapping (the outer brace) whose first key is another one (the inner brace).
      const jinja = start !== undefined && text[start] === '{' && text.slice(0, start).trimEnd().endsWith('{');
      errors.push(
        new TsdbtError({
          code,
          message: jinja
            ? `${file} has an unquoted \`{{ … }}\` value, which YAML reads as a mapping rather than text.`
            : `${file} uses a list or mapping as a key, which tsdbt cannot read.`,
          file,
          line: start === undefined ? undefined : lineCounter.linePos(start).line,
          hint: jinja ? 'Put the value in quotes: `key: "{{ … }}"`.' : 'Keys must be plain names; quote the key if it is meant as text.',
        }),
      );
    },
  });
  return errors;
}

/**
 * The line of a mapping entry is the line of its key: a block mapping or list as a value starts
 * on the next line, but `outputs:` is where a reader looks for "`outputs` must …".
 */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (depth > 0) {
      const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(path[depth - 1]));
        if (pair && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
      }
    }
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Collects "dot.path: message" problems against one YAML document. */
export class Problems {
  private readonly list: TsdbtError[] = [];
  constructor(
    private readonly doc: YamlDocument,
    private readonly code: ErrorCode = ErrorCodes.CONFIG_INVALID,
  ) {}

  add(path: readonly (string | number)[], message: string, hint?: string): void {
    const dotted = path.join('.');
    this.list.push(
      new TsdbtError({
        code: this.code,
        message: dotted === '' ? `${this.doc.file}: ${message}` : `${this.doc.file}: \`${dotted}\` ${message}`,
        file: this.doc.file,
        line: this.doc.lineOf(path),
        hint,
      }),
    );
  }

  /** The problems in file order (the order of the checks is not the order a reader fixes them in). */
  get errors(): TsdbtError[] {
    return this.list.map((error, index) => ({ error, index })).sort((a, b) => (a.error.line ?? 0) - (b.error.line ?? 0) || a.index - b.index).map(({ error }) => error);
  }
}
