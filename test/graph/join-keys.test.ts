/** Which joins `tsdbt check` may leave unplanned: trees as chDB's EXPLAIN QUERY TREE prints them. */
import { describe, expect, it } from 'vitest';
import { joinKeysAgree } from '../../src/graph/lineage/join-keys.js';
import { parseQueryTree } from '../../src/graph/lineage/query-tree.js';

/** A query over `a` joined to `a AS b`, with this JOIN EXPRESSION (indented as under the JOIN). */
function tree(expression: string, join = 'JOIN id: 4, strictness: ALL, kind: INNER'): string {
  return [
    'QUERY id: 0',
    '  PROJECTION COLUMNS',
    '    id UInt64',
    '  PROJECTION',
    '    LIST id: 1, nodes: 1',
    '      COLUMN id: 2, column_name: id, result_type: UInt64, source_id: 3',
    '  JOIN TREE',
    `    ${join}`,
    '      LEFT TABLE EXPRESSION',
    '        TABLE id: 3, alias: __table1, table_name: default.a',
    '      RIGHT TABLE EXPRESSION',
    '        TABLE id: 5, alias: __table2, table_name: default.a',
    ...(expression === '' ? [] : ['      JOIN EXPRESSION', ...expression.split('\n').map((line) => `        ${line}`)]),
  ].join('\n');
}

const equals = (left: string, right: string, id = 6) =>
  [
    `FUNCTION id: ${id}, function_name: equals, function_type: ordinary, result_type: UInt8`,
    '  ARGUMENTS',
    `    LIST id: ${id + 1}, nodes: 2`,
    `      COLUMN id: ${id + 2}, column_name: l, result_type: ${left}, source_id: 3`,
    `      COLUMN id: ${id + 3}, column_name: r, result_type: ${right}, source_id: 5`,
  ].join('\n');

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

const and = (...conditions: string[]) =>
  [
    'FUNCTION id: 20, function_name: and, function_type: ordinary, result_type: UInt8',
    '  ARGUMENTS',
    `    LIST id: 21, nodes: ${conditions.length}`,
    ...conditions.map((condition) => indent(condition, '      ')),
  ].join('\n');

const agree = (text: string) => joinKeysAgree(parseQueryTree(text));

describe('joinKeysAgree', () => {
  it('same-typed keys, one or several, need no plan', () => {
    expect(agree(tree(equals('UInt64', 'UInt64')))).toBe(true);
    expect(agree(tree(and(equals('UInt64', 'UInt64'), equals('String', 'String', 30))))).toBe(true);
  });

  it('Nullable and LowCardinality around the same type need no plan', () => {
    expect(agree(tree(equals('Nullable(UInt64)', 'UInt64')))).toBe(true);
    expect(agree(tree(equals('LowCardinality(Nullable(String))', 'String')))).toBe(true);
  });

  it('keys of different types are planned, whether the planner accepts them or not', () => {
    expect(agree(tree(equals('UInt64', 'String')))).toBe(false);
    expect(agree(tree(equals('UInt64', 'Int32')))).toBe(false);
    expect(agree(tree(equals('UInt64', 'UInt32')))).toBe(false);
    expect(agree(tree(and(equals('UInt64', 'UInt64'), equals('String', 'UInt8', 30))))).toBe(false);
  });

  it('USING columns compare the two sides their EXPRESSION names', () => {
    const using = (left: string, right: string) =>
      [
        'LIST id: 6, nodes: 1',
        '  COLUMN id: 7, column_name: id, result_type: UInt64, source_id: 4',
        '    EXPRESSION',
        '      LIST id: 8, nodes: 2',
        `        COLUMN id: 9, column_name: id, result_type: ${left}, source_id: 3`,
        `        COLUMN id: 10, column_name: id, result_type: ${right}, source_id: 5`,
      ].join('\n');
    expect(agree(tree(using('UInt64', 'UInt64')))).toBe(true);
    expect(agree(tree(using('UInt64', 'String')))).toBe(false);
  });

  it('a condition other than equals, or no condition, is planned', () => {
    const less = equals('UInt64', 'UInt64').replace('function_name: equals', 'function_name: less');
    expect(agree(tree(less))).toBe(false);
    expect(agree(tree(and(equals('UInt64', 'UInt64'), less)))).toBe(false);
    expect(agree(tree(''))).toBe(false);
  });

  it('a tree without a JOIN needs no plan', () => {
    expect(agree('QUERY id: 0\n  PROJECTION COLUMNS\n    x UInt8\n')).toBe(true);
  });
});
