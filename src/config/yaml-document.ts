import { constructFromEvents, CORE_SCHEMA, EVENT_ID, mergeTag, parseEvents } from 'js-yaml';
import type { Document, LineCounter } from 'yaml';
import { yamlLib } from './yaml-lib.js';
import { ErrorCodes, TsdbtError, type ErrorCode } from '../core/errors.js';
import { plainYamlError } from './yaml-errors.js';
import { indexEvents, newPathMemo, startOfPath, type EventIndex, type YamlEvent } from './yaml-event-index.js';

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
  return parseYamlFast(text, file) ?? parseYamlFully(text, file, code);
}

/**
 * The `yaml` library's document model gives every problem and every line, but is slow to read,
 * and a large project has megabytes of property files. So a file is read first with
 * js-yaml's event parser (YAML 1.2 core schema, as here), much faster (BENCHMARKS.md), and lines are found
 * from its events when asked. Anything js-yaml refuses (a syntax error, duplicate keys, a
 * mapping used as a key, several documents, an empty file) is read again by `parseYamlFully`,
 * which reports it as before.
 *
 * Both readers give merge keys (`<<: *anchor`) YAML 1.1's meaning, as dbt's loader does. A file
 * whose aliases expand to more than MAX_ALIAS_COUNT aliases is left to the full reader, which
 * refuses it: js-yaml shares aliased values, so a "billion laughs" file would only blow up later,
 * wherever the config is copied or serialized.
 */
export function parseYamlFast(text: string, file: string): YamlDocument | undefined {
  const read = readYamlFast(text, file);
  return read === undefined ? undefined : indexedDocument(file, read.value, read.index);
}

/** What js-yaml's event parser made of a file, and the compact index of its events that lines are found from. */
export interface IndexedYaml {
  value: unknown;
  index: EventIndex;
}

/**
 * parseYamlFast's reading, without the document around it: plain data (a value and typed arrays)
 * that can cross to another thread (project/yaml-thread.ts) and become the same document there.
 */
export function readYamlFast(text: string, file: string): IndexedYaml | undefined {
  let events: YamlEvent[];
  let value: unknown;
  try {
    events = parseEvents(text, { filename: file });
    if (aliasExpansion(events, text) > MAX_ALIAS_COUNT) return undefined;
    const documents = constructFromEvents(events, { source: text, schema: MERGE_SCHEMA });
    if (documents.length !== 1) return undefined;
    value = documents[0];
  } catch {
    return undefined;
  }
  // The events are dropped here (they would keep several objects per YAML node alive): lines
  // are found from a compact index of them, built now while they are at hand.
  return { value, index: indexEvents(events, text) };
}

/** The document of a value read by readYamlFast: its lines found from the index when asked. */
export function indexedDocument(file: string, value: unknown, index: EventIndex): YamlDocument {
  const memo = newPathMemo(index);
  let lines: number[] | undefined;
  const lineAt = (offset: number): number => {
    lines ??= newlineOffsets(index.text);
    let low = 0;
    let high = lines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (lines[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
  return {
    file,
    value,
    lineOf: (path) => {
      const at = startOfPath(index, path, memo);
      return at === undefined ? undefined : lineAt(at);
    },
  };
}

/** The YAML 1.2 core schema plus YAML 1.1 merge keys. */
const MERGE_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/**
 * How many alias nodes a document may expand (counting those inside aliased values again): enough
 * for any config reusing anchors, far too few for an alias bomb.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * How many aliases a document expands to: each alias counts once plus the aliases inside the value
 * it names (themselves expanded), so nested aliases count as often as they would be copied.
 */
function aliasExpansion(events: readonly YamlEvent[], text: string): number {
  const named = new Map<string, number>();
  const open: { anchor: string | undefined; count: number }[] = [{ anchor: undefined, count: 0 }];
  const anchorOf = (event: { anchorStart: number; anchorEnd: number }) =>
    event.anchorStart < 0 ? undefined : text.slice(event.anchorStart, event.anchorEnd).replace(/^[&*]/, '');
  for (const event of events) {
    if (event.type === EVENT_ID.ALIAS) {
      open[open.length - 1]!.count += 1 + (named.get(anchorOf(event) ?? '') ?? 0);
      if (open.reduce((sum, level) => sum + level.count, 0) > MAX_ALIAS_COUNT) return Infinity;
    } else if (event.type === EVENT_ID.SEQUENCE || event.type === EVENT_ID.MAPPING) {
      open.push({ anchor: anchorOf(event), count: 0 });
    } else if (event.type === EVENT_ID.POP && open.length > 1) {
      const closed = open.pop()!;
      if (closed.anchor !== undefined) named.set(closed.anchor, closed.count);
      open[open.length - 1]!.count += closed.count;
    }
  }
  return open.reduce((sum, level) => sum + level.count, 0);
}

/** The value of one YAML document as js-yaml's event reader builds it (for the differential test of the two readers). */
export function readWithEventReader(text: string): unknown {
  const documents = constructFromEvents(parseEvents(text, {}), { source: text, schema: MERGE_SCHEMA });
  return documents[0];
}

/** The value of one YAML document as the `yaml` library builds it (for the differential test of the two readers). */
export function readWithDocumentReader(text: string): unknown {
  return yamlLib().parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true }).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

function parseYamlFully(text: string, file: string, code: ErrorCode): YamlDocument {
  const lineCounter = new (yamlLib().LineCounter)();
  const doc = yamlLib().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const problems = doc.errors.map((error) => ({ code: error.code, message: error.message.split('\n')[0]!, line: lineCounter.linePos(error.pos[0]).line }));
  const plain = plainYamlError(problems, text);
  const errors =
    plain === undefined ? [] : [new TsdbtError({ code, message: `${file} is not valid YAML: ${plain.message}`, file, line: plain.line, hint: plain.hint })];
  if (errors.length === 0) errors.push(...collectionKeys(doc, text, lineCounter, file, code));
  if (errors.length > 0) {
    const [first, ...rest] = errors;
    throw new TsdbtError({ code, message: first!.message, file, line: first!.line, hint: first!.hint, related: rest });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An alias (`*name`) with no anchor before it, or aliases expanding too far (a "billion laughs" file).
    throw new TsdbtError({
      code,
      message: `${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      file,
      line: aliasLine(doc, lineCounter),
      hint: 'An alias `*name` must refer to an anchor `&name` defined above it, and aliases may not nest without end.',
      cause: error,
    });
  }
  return {
    file,
    value,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

/** The line of the first alias whose anchor is missing (else of the first alias). */
function aliasLine(doc: Document, lineCounter: LineCounter): number | undefined {
  let first: number | undefined;
  let unresolved: number | undefined;
  yamlLib().visit(doc, {
    Alias(_key, node) {
      const start = node.range?.[0];
      if (start === undefined) return;
      first ??= start;
      if (unresolved === undefined && node.resolve(doc) === undefined) unresolved = start;
    },
  });
  const at = unresolved ?? first;
  return at === undefined ? undefined : lineCounter.linePos(at).line;
}

/**
 * `key: {{ env_var('X') }}` is valid YAML, but it means a mapping whose key is a mapping: always an
 * unquoted Jinja expression in a config file. Said plainly here instead of failing later, obscurely.
 */
function collectionKeys(doc: Document, text: string, lineCounter: LineCounter, file: string, code: ErrorCode): TsdbtError[] {
  const errors: TsdbtError[] = [];
  yamlLib().visit(doc, {
    Pair(_key, pair) {
      if (!yamlLib().isCollection(pair.key)) return;
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
      if (yamlLib().isMap(parent)) {
        const pair = parent.items.find((item) => yamlLib().isScalar(item.key) && String(item.key.value) === String(path[depth - 1]));
        if (pair && yamlLib().isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
      }
    }
    if (yamlLib().isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function newlineOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) offsets.push(at);
  return offsets;
}

/** Collects "dot.path: message" problems against one YAML document. */
export class Problems {
  private readonly list: TsdbtError[] = [];
  constructor(
    private readonly doc: YamlDocument,
    private readonly code: ErrorCode = ErrorCodes.CONFIG_INVALID,
    /** Where to look up what the file may hold, for problems that have no hint of their own. */
    private readonly defaultHint?: string,
  ) {}

  add(path: readonly (string | number)[], message: string, hint?: string): void {
    const dotted = path.join('.');
    this.list.push(
      new TsdbtError({
        code: this.code,
        message: dotted === '' ? `${this.doc.file}: ${message}` : `${this.doc.file}: \`${dotted}\` ${message}`,
        file: this.doc.file,
        line: this.doc.lineOf(path),
        hint: hint ?? this.defaultHint,
      }),
    );
  }

  /** The problems in file order (the order of the checks is not the order a reader fixes them in). */
  get errors(): TsdbtError[] {
    return this.list
      .map((error, index) => ({ error, index }))
      .sort((a, b) => (a.error.line ?? 0) - (b.error.line ?? 0) || a.index - b.index)
      .map(({ error }) => error);
  }
}
