import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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
  if (doc.errors.length > 0) {
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
    const [first, ...rest] = errors;
    throw new TsdbtError({ code, message: first!.message, file, line: first!.line, hint: first!.hint, related: rest });
  }
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Collects "dot.path: message" problems against one YAML document. */
export class Problems {
  readonly errors: TsdbtError[] = [];
  constructor(
    private readonly doc: YamlDocument,
    private readonly code: ErrorCode = ErrorCodes.CONFIG_INVALID,
  ) {}

  add(path: readonly (string | number)[], message: string, hint?: string): void {
    const dotted = path.join('.');
    this.errors.push(
      new TsdbtError({
        code: this.code,
        message: dotted === '' ? `${this.doc.file}: ${message}` : `${this.doc.file}: \`${dotted}\` ${message}`,
        file: this.doc.file,
        line: this.doc.lineOf(path),
        hint,
      }),
    );
  }
}
