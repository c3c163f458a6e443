/**
 * Column lineage of one query, from the analyzer's resolved query tree (`EXPLAIN QUERY TREE`):
 * every column reference there carries the id of the table, subquery, CTE, join or ARRAY JOIN it
 * was resolved to (`source_id`), so the upstream columns of each output column are read off the
 * engine's own resolution, through CTEs, subqueries, joins, aggregations and ARRAY JOIN.
 *
 * Kinds follow OpenLineage's column-lineage facet: a column is computed from its *direct* inputs
 * (`identity` passes a column through, `transformation` computes from it, `aggregation` computes
 * from many rows of it) and influenced by *indirect* ones (`join` keys, `group_by` keys, `filter`
 * conditions of WHERE/PREWHERE/HAVING/QUALIFY), which decide which rows there are. Pure: text in.
 */
import { listed, parseQueryTree, section, splitNameAndType, type TreeLine } from './query-tree.js';

export const DIRECT_KINDS = ['identity', 'transformation', 'aggregation'] as const;
export const INDIRECT_KINDS = ['join', 'group_by', 'filter'] as const;
export type LineageKind = (typeof DIRECT_KINDS)[number] | (typeof INDIRECT_KINDS)[number];

export interface UpstreamColumn {
  /** The table as the query tree names it (`database.table`), or the CTE's stand-in (see `cteTables`). */
  table: string;
  column: string;
  kind: LineageKind;
}

export interface OutputColumnLineage {
  name: string;
  type: string;
  /** Sorted by table, then column. */
  upstream: UpstreamColumn[];
  /** What the engine could not trace, in words (a table function, an unresolved reference); empty when fully traced. */
  unknown: string[];
}

export interface QueryLineageOptions {
  /** CTE name → the table to report instead of looking inside it (an inlined ephemeral model). */
  cteTables?: ReadonlyMap<string, string>;
}

interface Found {
  upstream: UpstreamColumn[];
  unknown: string[];
}

const RANK: Record<string, number> = { identity: 0, transformation: 1, aggregation: 2 };
const FILTER_SECTIONS = ['WHERE', 'PREWHERE', 'HAVING', 'QUALIFY'];

/** The lineage of each output column of the query whose `EXPLAIN QUERY TREE` text is `text` (or that text already parsed). */
export function queryLineage(text: string | readonly TreeLine[], options: QueryLineageOptions = {}): OutputColumnLineage[] {
  const [root] = typeof text === 'string' ? parseQueryTree(text) : text;
  if (root === undefined || (root.kind !== 'QUERY' && root.kind !== 'UNION')) {
    const start = typeof text === 'string' ? text.slice(0, 80) : (root?.text ?? '');
    throw new Error(`EXPLAIN QUERY TREE printed no QUERY or UNION at the top: ${start}`);
  }
  const walker = new LineageWalker(root, options.cteTables ?? new Map());
  return projectionColumns(root).map((column, index) => {
    const found = walker.outputColumn(root, index);
    return { ...column, upstream: merged(found.upstream), unknown: [...new Set(found.unknown)].sort() };
  });
}

/** The `PROJECTION COLUMNS` of a query, or of the first query of a UNION. */
function projectionColumns(line: TreeLine): { name: string; type: string }[] {
  const query = line.kind === 'UNION' ? unionQueries(line)[0] : line;
  return query === undefined ? [] : section(query, 'PROJECTION COLUMNS').map((entry) => splitNameAndType(entry.text));
}

function unionQueries(union: TreeLine): TreeLine[] {
  return listed(union, 'QUERIES');
}

class LineageWalker {
  private readonly byId = new Map<number, TreeLine>();
  private readonly outputs = new Map<string, Found>();
  private readonly scopes = new Map<TreeLine, Found>();

  constructor(
    root: TreeLine,
    private readonly cteTables: ReadonlyMap<string, string>,
  ) {
    this.index(root);
  }

  /** Nodes by id; the first line printed with children wins (a reference repeats the id without them). */
  private index(line: TreeLine): void {
    if (line.id !== undefined && line.kind !== 'COLUMN') {
      const known = this.byId.get(line.id);
      if (known === undefined || (known.children.length === 0 && line.children.length > 0)) this.byId.set(line.id, line);
    }
    for (const child of line.children) this.index(child);
  }

  /** Output column `index` of a QUERY or UNION: its expression's inputs plus the query's indirect ones. */
  outputColumn(query: TreeLine, index: number): Found {
    const key = `${query.id}:${index}`;
    const cached = this.outputs.get(key);
    if (cached !== undefined) return cached;
    this.outputs.set(key, { upstream: [], unknown: [] }); // a recursive CTE refers to itself
    let found: Found;
    if (query.kind === 'UNION') {
      found = combine(unionQueries(query).map((member) => this.outputColumn(member, index)));
    } else {
      const expression = listed(query, 'PROJECTION')[index];
      found = combine([expression === undefined ? empty() : this.expression(expression, 'identity'), this.scope(query)]);
    }
    // Once per column, not once per path to it: a CTE read by many joins would otherwise pass its inputs up as many times.
    found = { upstream: merged(found.upstream, false), unknown: [...new Set(found.unknown)] };
    this.outputs.set(key, found);
    return found;
  }

  /** What decides the rows of a query: join keys, GROUP BY keys, filters. */
  private scope(query: TreeLine): Found {
    const cached = this.scopes.get(query);
    if (cached !== undefined) return cached;
    const parts: Found[] = [];
    for (const name of FILTER_SECTIONS) for (const line of section(query, name)) parts.push(this.expression(line, 'filter'));
    for (const line of section(query, 'GROUP BY')) parts.push(this.expression(line, 'group_by'));
    for (const line of section(query, 'JOIN TREE')) parts.push(this.joinKeys(line));
    const combined = combine(parts);
    const found = { upstream: merged(combined.upstream, false), unknown: [...new Set(combined.unknown)] };
    this.scopes.set(query, found);
    return found;
  }

  /** The ON/USING expressions of the joins of a join tree (not inside subqueries: their columns bring their own). */
  private joinKeys(line: TreeLine): Found {
    if (line.kind !== 'JOIN' && line.kind !== 'ARRAY_JOIN' && line.kind !== 'CROSS_JOIN' && line.kind !== undefined) return empty();
    const parts: Found[] = [];
    for (const child of line.children) {
      if (line.kind === 'JOIN' && child.kind === undefined && child.text === 'JOIN EXPRESSION') parts.push(this.joinExpression(child));
      else if (child.kind === undefined && child.text !== 'JOIN EXPRESSIONS') parts.push(...child.children.map((table) => this.joinKeys(table)));
      else if (child.kind !== undefined) parts.push(this.joinKeys(child));
    }
    return combine(parts);
  }

  /** USING lists columns defined by both sides (each with an EXPRESSION); ON is an ordinary expression. */
  private joinExpression(header: TreeLine): Found {
    const parts = header.children.flatMap((child) => (child.kind === 'LIST' ? child.children : [child]));
    return combine(
      parts.map((part) =>
        part.kind === 'COLUMN' && section(part, 'EXPRESSION').length > 0 ? this.columnDefinition(part, 'join') : this.expression(part, 'join'),
      ),
    );
  }

  /** The inputs of an expression, each reached with `kind` (composed with what lies below). */
  private expression(line: TreeLine, kind: LineageKind): Found {
    switch (line.kind) {
      case 'COLUMN':
        return this.column(line, kind);
      case 'QUERY':
      case 'UNION': {
        // A scalar or IN subquery: every output column of it feeds the value.
        const count = projectionColumns(line).length;
        const inner = compose(kind, 'transformation');
        return relabel(combine(Array.from({ length: count }, (_, index) => this.outputColumn(line, index))), inner);
      }
      case 'FUNCTION': {
        const type = line.attrs?.function_type;
        const inner = compose(kind, type === 'aggregate' || type === 'window' ? 'aggregation' : 'transformation');
        const found = combine(line.children.map((child) => this.expression(child, inner)));
        const lookup = lookupFunction(line);
        return lookup === undefined ? found : { upstream: found.upstream, unknown: [...found.unknown, lookup] };
      }
      default:
        return combine(line.children.map((child) => this.expression(child, kind)));
    }
  }

  /** A column reference: followed to the table, subquery, CTE, join or ARRAY JOIN it was resolved to. */
  private column(line: TreeLine, kind: LineageKind): Found {
    const name = line.attrs?.column_name ?? '';
    const source = this.byId.get(Number(line.attrs?.source_id));
    if (source === undefined) return { upstream: [], unknown: [`column '${name}' has no source in the query tree`] };
    switch (source.kind) {
      case 'TABLE':
        return { upstream: [{ table: source.attrs?.table_name ?? '', column: name, kind }], unknown: [] };
      case 'QUERY':
      case 'UNION': {
        const cte = source.attrs?.cte_name;
        const table = cte === undefined ? undefined : this.cteTables.get(cte);
        if (table !== undefined) return { upstream: [{ table, column: name, kind }], unknown: [] };
        const index = projectionColumns(source).findIndex((column) => column.name === name);
        if (index < 0) return { upstream: [], unknown: [`column '${name}' is not an output of its subquery`] };
        return relabel(this.outputColumn(source, index), kind);
      }
      case 'ARRAY_JOIN':
      case 'JOIN': {
        const definition = this.definitionIn(source, line);
        if (definition === undefined) return { upstream: [], unknown: [`column '${name}' of a ${source.kind} has no definition in the query tree`] };
        // An ARRAY JOIN column is an element of the array: computed from it, not the same value.
        return this.columnDefinition(definition, source.kind === 'ARRAY_JOIN' ? compose(kind, 'transformation') : kind);
      }
      case 'TABLE_FUNCTION':
        return { upstream: [], unknown: [`column '${name}' comes from the table function ${source.attrs?.table_function_name ?? ''}()`] };
      case 'LAMBDA':
        return empty(); // a lambda argument: the arrays it ranges over are arguments of the enclosing function
      default:
        return { upstream: [], unknown: [`column '${name}' comes from a ${source.kind ?? 'node'} the lineage does not follow`] };
    }
  }

  /** The line under an ARRAY JOIN or JOIN that defines `reference` (same name and source), with its EXPRESSION. */
  private definitionIn(source: TreeLine, reference: TreeLine): TreeLine | undefined {
    const stack = [...source.children];
    while (stack.length > 0) {
      const line = stack.pop()!;
      if (
        line.kind === 'COLUMN' &&
        line.attrs?.column_name === reference.attrs?.column_name &&
        line.attrs?.source_id === reference.attrs?.source_id &&
        section(line, 'EXPRESSION').length > 0
      )
        return line;
      if (line.kind !== 'QUERY' && line.kind !== 'UNION') stack.push(...line.children);
    }
    return undefined;
  }

  /** A column defined by an expression (an ARRAY JOIN element, a USING key): that expression's inputs. */
  private columnDefinition(line: TreeLine, kind: LineageKind): Found {
    return combine(section(line, 'EXPRESSION').map((part) => this.expression(part, kind)));
  }
}

/**
 * A function that reads another table by name at run time (a dictionary, a Join table): to the
 * analyzer it is a function of its key arguments, so the columns it reads are not traced. Said.
 */
function lookupFunction(line: TreeLine): string | undefined {
  const name = line.attrs?.function_name ?? '';
  if (!/^(dictGet|dictHas|joinGet)/.test(name)) return undefined;
  const target = listed(line, 'ARGUMENTS')[0]?.attrs?.constant_value;
  return `${name}() reads ${target === undefined ? 'a table' : `'${target.replace(/^'|'$/g, '')}'`} at run time: its columns are not traced`;
}

/** The kind of an input reached through `outer` and then `inner`: an indirect step wins, else the stronger direct one. */
export function compose(outer: LineageKind, inner: LineageKind): LineageKind {
  if (RANK[outer] === undefined) return outer;
  if (RANK[inner] === undefined) return inner;
  return RANK[outer]! >= RANK[inner]! ? outer : inner;
}

function relabel(found: Found, kind: LineageKind): Found {
  return { upstream: found.upstream.map((entry) => ({ ...entry, kind: compose(kind, entry.kind) })), unknown: found.unknown };
}

function empty(): Found {
  return { upstream: [], unknown: [] };
}

/** The parts' inputs together. Found values are never changed once made, so a single part is returned as it is. */
function combine(parts: readonly Found[]): Found {
  if (parts.length === 1) return parts[0]!;
  const upstream: UpstreamColumn[] = [];
  const unknown: string[] = [];
  // Loops, not flatMap: this runs for every node of every query tree a check reads.
  for (const part of parts) {
    for (const entry of part.upstream) upstream.push(entry);
    for (const reason of part.unknown) unknown.push(reason);
  }
  return { upstream, unknown };
}

/**
 * One entry per upstream column: a direct input beats an indirect one, a stronger direct kind a
 * weaker one, and between indirect kinds the first met stays. Merging a part before it is
 * combined with others gives the same entries as merging the whole (the kinds compose in order).
 */
function merged(upstream: readonly UpstreamColumn[], sort = true): UpstreamColumn[] {
  const best = new Map<string, UpstreamColumn>();
  for (const entry of upstream) {
    const key = `${entry.table}\u0000${entry.column}`;
    const known = best.get(key);
    if (known === undefined || strength(entry.kind) > strength(known.kind)) best.set(key, entry);
  }
  const entries = [...best.values()];
  return sort ? entries.sort((a, b) => (a.table === b.table ? compareText(a.column, b.column) : compareText(a.table, b.table))) : entries;
}

function strength(kind: LineageKind): number {
  return RANK[kind] === undefined ? -1 : RANK[kind]!;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
