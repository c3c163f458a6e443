/**
 * Whether a query's joins can be left unplanned by `tsdbt check`. ClickHouse decides the common
 * type of a join's keys only when it plans the query, so the check plans every model that joins
 * (`EXPLAIN PLAN`), which costs about as much as the analysis itself. A join whose keys are
 * pairs of the same type (apart from Nullable and LowCardinality, which every join accepts) has
 * that common type already: planning it would tell nothing new. Anything else, or anything this
 * reader does not recognise (a non-equal condition, ASOF, a join with no condition), is planned.
 * Pure: the parsed query tree in, a yes or no out.
 */
import { section, type TreeLine } from './query-tree.js';

/** True when every JOIN of the tree joins on pairs of same-typed keys, read from its JOIN EXPRESSION. */
export function joinKeysAgree(roots: readonly TreeLine[]): boolean {
  const pending = [...roots];
  while (pending.length > 0) {
    const line = pending.pop()!;
    if (line.kind === 'JOIN') {
      const expression = section(line, 'JOIN EXPRESSION');
      if (expression.length !== 1 || !conditionAgrees(expression[0]!)) return false;
    }
    pending.push(...line.children);
  }
  return true;
}

/** `ON a = b [AND c = d …]` or `USING (x, …)`, each pair of one type. */
function conditionAgrees(node: TreeLine): boolean {
  if (node.kind === 'LIST') return node.children.length > 0 && node.children.every(usingColumnAgrees);
  if (node.kind !== 'FUNCTION') return false;
  const args = argumentsOf(node);
  const name = node.attrs?.['function_name'];
  if (name === 'and') return args.length > 0 && args.every(conditionAgrees);
  if (name === 'equals') return args.length === 2 && sameType(args[0]!, args[1]!);
  return false;
}

/** A USING column: its EXPRESSION lists the left and the right column it joins. */
function usingColumnAgrees(column: TreeLine): boolean {
  const sides = section(column, 'EXPRESSION').flatMap((child) => (child.kind === 'LIST' ? child.children : [child]));
  return column.kind === 'COLUMN' && sides.length === 2 && sameType(sides[0]!, sides[1]!);
}

function argumentsOf(node: TreeLine): TreeLine[] {
  return section(node, 'ARGUMENTS').flatMap((child) => (child.kind === 'LIST' ? child.children : [child]));
}

function sameType(left: TreeLine, right: TreeLine): boolean {
  const a = typeOf(left);
  const b = typeOf(right);
  return a !== undefined && b !== undefined && baseType(a) === baseType(b);
}

function typeOf(node: TreeLine): string | undefined {
  return node.attrs?.['result_type'] ?? node.attrs?.['constant_value_type'];
}

/** The type without Nullable(…) and LowCardinality(…) around it. */
function baseType(type: string): string {
  let inner = type;
  for (;;) {
    const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(inner);
    if (wrapped === null) return inner;
    inner = wrapped[1]!;
  }
}
