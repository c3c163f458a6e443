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
/** Attributes are `, `-separated `key: value` pairs; a value may itself hold `, ` (a type such as DateTime64(3, 'UTC')). */
const ATTRIBUTE_START = /, (?=[a-z_]+: )/;

/** The lines of `text` as a forest (EXPLAIN prints one root: a QUERY or a UNION). */
export function parseQueryTree(text: string): TreeLine[] {
  const roots: TreeLine[] = [];
  const stack: { depth: number; line: TreeLine }[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const depth = raw.length - raw.trimStart().length;
    const line = describeLine(raw.trim());
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    if (stack.length === 0) roots.push(line);
    else stack[stack.length - 1]!.line.children.push(line);
    stack.push({ depth, line });
  }
  return roots;
}

function describeLine(text: string): TreeLine {
  const match = NODE_LINE.exec(text);
  if (match === null) return { text, children: [] };
  const attrs: Record<string, string> = {};
  for (const pair of match[3]?.split(ATTRIBUTE_START) ?? []) {
    const colon = pair.indexOf(': ');
    if (colon > 0) attrs[pair.slice(0, colon)] = pair.slice(colon + 2);
  }
  return { text, children: [], kind: match[1]!, id: Number(match[2]), attrs };
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
