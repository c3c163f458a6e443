/**
 * The text of ClickHouse's `EXPLAIN QUERY TREE` read back into a tree. The analyzer prints one
 * line per node or section, indented two spaces per level: node lines are `KIND id: N, key: value, …`
 * (`COLUMN id: 2, column_name: craft, result_type: String, source_id: 3`), section lines are
 * upper-case headers (`PROJECTION`, `JOIN TREE`, `WHERE`, `ARGUMENTS`), and the lines under
 * `PROJECTION COLUMNS` are `name type`. Pure: text in, tree out.
 */

export interface TreeLine {
  /** The line without its indentation. */
  text: string;
  children: TreeLine[];
  /** Set for node lines: the node kind (`QUERY`, `COLUMN`, `TABLE`, …). */
  kind?: string;
  /** Set for node lines: the node id that `source_id` refers to. */
  id?: number;
  /** Set for node lines: the `key: value` attributes after the id. */
  attrs?: Record<string, string>;
}

const NODE_LINE = /^([A-Z][A-Z_]*) id: (\d+)(?:, (.*))?$/;

/** The lines of `text` as a forest (EXPLAIN prints one root: a QUERY or a UNION). */
export function parseQueryTree(text: string): TreeLine[] {
  const roots: TreeLine[] = [];
  const open: TreeLine[] = [];
  const depths: number[] = [];
  // Line by line without splitting the whole text first: a batch of query trees is megabytes.
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let from = start;
    while (from < end && isBlank(text.charCodeAt(from))) from += 1;
    let to = end;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to -= 1;
    const depth = from - start;
    start = end + 1;
    if (to === from) continue;
    const line = describeLine(text.slice(from, to));
    while (depths.length > 0 && depths[depths.length - 1]! >= depth) {
      depths.pop();
      open.pop();
    }
    if (open.length === 0) roots.push(line);
    else open[open.length - 1]!.children.push(line);
    open.push(line);
    depths.push(depth);
  }
  return roots;
}

/** The blanks the analyzer's text may hold around a line (it indents with spaces). */
function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

function describeLine(text: string): TreeLine {
  // Only node lines start with an upper-case kind followed by ` id: `; section headers and column lines are left as text.
  const first = text.charCodeAt(0);
  if (first < 65 || first > 90) return { text, children: [] };
  const match = NODE_LINE.exec(text);
  if (match === null) return { text, children: [] };
  return { text, children: [], kind: match[1]!, id: Number(match[2]), attrs: attributes(match[3]) };
}

/** `key: value, key: value` (a value may hold `, ` itself: a pair starts only where `, ` is followed by `key: `). */
function attributes(list: string | undefined): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (list === undefined) return attrs;
  let start = 0;
  for (let at = list.indexOf(', '); ; at = list.indexOf(', ', at + 2)) {
    if (at >= 0 && !startsPair(list, at + 2)) continue;
    const pair = list.slice(start, at < 0 ? list.length : at);
    const colon = pair.indexOf(': ');
    if (colon > 0) attrs[pair.slice(0, colon)] = pair.slice(colon + 2);
    if (at < 0) return attrs;
    start = at + 2;
  }
}

/** Whether `[a-z_]+: ` starts at `from` (what ATTRIBUTE_START looks ahead for). */
function startsPair(text: string, from: number): boolean {
  let at = from;
  for (; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (!((code >= 97 && code <= 122) || code === 95)) break;
  }
  return at > from && text.charCodeAt(at) === 58 && text.charCodeAt(at + 1) === 32;
}

/** The children of the section header `name` directly under `line` (`PROJECTION`, `WHERE`, …). */
export function section(line: TreeLine, name: string): TreeLine[] {
  return line.children.find((child) => child.kind === undefined && child.text === name)?.children ?? [];
}

/** The nodes of a `LIST` section (`PROJECTION`, `GROUP BY`): the LIST's children. */
export function listed(line: TreeLine, name: string): TreeLine[] {
  return section(line, name).flatMap((child) => (child.kind === 'LIST' ? child.children : [child]));
}

/**
 * A `PROJECTION COLUMNS` line split into name and type. The type is the last word, or, when the
 * line ends with `)`, the word before the parenthesis that closes it (`DateTime64(3, 'UTC')`):
 * a column name may hold spaces and parentheses, a type holds spaces only inside its parentheses.
 */
export function splitNameAndType(text: string): { name: string; type: string } {
  let start: number;
  if (text.endsWith(')')) {
    let depth = 0;
    let quoted = false;
    let open = -1;
    for (let index = text.length - 1; index >= 0 && open < 0; index -= 1) {
      const char = text[index]!;
      if (char === "'" && text[index - 1] !== '\\') quoted = !quoted;
      else if (!quoted && char === ')') depth += 1;
      else if (!quoted && char === '(') {
        depth -= 1;
        if (depth === 0) open = index;
      }
    }
    start = text.lastIndexOf(' ', open) + 1;
  } else {
    start = text.lastIndexOf(' ') + 1;
  }
  if (start <= 0) return { name: text, type: '' };
  return { name: text.slice(0, start - 1), type: text.slice(start) };
}

/**
 * Constructs whose checks ClickHouse leaves to the query planner, past the analysis pass that
 * `EXPLAIN QUERY TREE` runs: the members of a UNION, INTERSECT or EXCEPT having the same number
 * of columns, a window's frame against its ORDER BY (a RANGE frame needs one column), and whether
 * the table read supports PREWHERE. `CREATE VIEW` plans the query, so it rejects those; a query
 * tree holding none of them was judged by the analysis pass as `CREATE VIEW` would judge it.
 */
const PLANNER_CHECKED = /^ *(?:UNION id: \d+|WINDOW id: \d+|PREWHERE)(?:,|$)/m;

/** Whether the query tree holds a construct the planner checks further (see PLANNER_CHECKED). */
export function hasPlannerChecks(text: string): boolean {
  return PLANNER_CHECKED.test(text);
}

/** A JOIN (not an ARRAY JOIN) in the query tree: whose key types only the planner checks (see `checkModelPlan`). */
const JOIN_NODE = /^ *JOIN id: \d+(?:,|$)/m;

/** Whether the query tree holds a JOIN. */
export function hasJoin(text: string): boolean {
  return JOIN_NODE.test(text);
}
