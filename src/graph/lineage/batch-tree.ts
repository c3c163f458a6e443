/**
 * The query tree of several models analyzed in one statement (`SELECT 1 FROM (q0) AS a, (q1) AS b`,
 * see `checkQueryTrees`), cut back into one tree per model, each as `EXPLAIN QUERY TREE` prints
 * the model's query alone: the subquery's lines, moved left to the top, with the two attributes
 * that only a subquery has (`alias`, `is_subquery`) taken off its first line. Node ids and the
 * analyzer's table aliases (`__table3`) keep the numbers of the whole statement: the lineage
 * reads ids only as references within one tree. Pure: text in, texts out.
 */

/** The cross join's subqueries sit at this indentation: QUERY > JOIN TREE > CROSS_JOIN > TABLE EXPRESSION > here. */
const SUBQUERY_INDENT = 8;
const SUBQUERY_LINE = /^ {8}(?:QUERY|UNION) id: \d+,/;
const SUBQUERY_ONLY_ATTRIBUTES = /, (?:alias: __table\d+|is_subquery: 1)(?=,|$)/g;

/**
 * One tree text per model, in the order the queries were given; throws when the text does not
 * hold exactly `count` subqueries where the statement puts them (a caller then analyzes each alone).
 */
export function splitBatchedQueryTree(text: string, count: number): string[] {
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('QUERY id: ') || !lines.some((line) => /^ {4}CROSS JOIN id: \d+/.test(line)))
    throw new Error(`the batched query tree does not start with a cross join of subqueries: ${lines[0]?.slice(0, 80) ?? ''}`);
  const trees: string[] = [];
  for (let start = 0; start < lines.length; start += 1) {
    if (!SUBQUERY_LINE.test(lines[start]!)) continue;
    const own = [lines[start]!.slice(SUBQUERY_INDENT).replace(SUBQUERY_ONLY_ATTRIBUTES, '')];
    let end = start + 1;
    for (; end < lines.length && indentOf(lines[end]!) > SUBQUERY_INDENT; end += 1) own.push(lines[end]!.slice(SUBQUERY_INDENT));
    trees.push(`${own.join('\n')}\n`);
    start = end - 1;
  }
  if (trees.length !== count) throw new Error(`the batched query tree holds ${trees.length} subqueries, not ${count}`);
  return trees;
}

function indentOf(line: string): number {
  if (line.trim() === '') return 0;
  return line.length - line.trimStart().length;
}
