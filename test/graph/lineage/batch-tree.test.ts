import { describe, expect, it } from 'vitest';
import { splitBatchedQueryTree } from '../../../src/graph/lineage/batch-tree.js';

/** As chDB prints `EXPLAIN QUERY TREE passes = 1 SELECT 1 FROM (SELECT 1 AS one) AS a, (SELECT 'x' AS s UNION ALL SELECT 'y') AS b`. */
const BATCHED = [
  'QUERY id: 0',
  '  PROJECTION COLUMNS',
  '    1 UInt8',
  '  PROJECTION',
  '    LIST id: 1, nodes: 1',
  '      CONSTANT id: 2, constant_value: UInt64_1, constant_value_type: UInt8',
  '  JOIN TREE',
  '    CROSS JOIN id: 3',
  '      TABLE EXPRESSION',
  '        QUERY id: 4, alias: __table1, is_subquery: 1',
  '          PROJECTION COLUMNS',
  '            one UInt8',
  '          PROJECTION',
  '            LIST id: 5, nodes: 1',
  '              CONSTANT id: 6, constant_value: UInt64_1, constant_value_type: UInt8',
  '          JOIN TREE',
  '            TABLE id: 7, alias: __table2, table_name: system.one',
  '      TABLE EXPRESSION',
  '        UNION id: 8, alias: __table3, is_subquery: 1, union_mode: UNION_ALL',
  '          QUERIES',
  '            LIST id: 9, nodes: 2',
  '              QUERY id: 10, is_subquery: 1',
  '                PROJECTION COLUMNS',
  '                  s String',
  '',
].join('\n');

describe('splitBatchedQueryTree', () => {
  it('gives each subquery its own tree, moved to the top, without the attributes only a subquery has', () => {
    const [first, second] = splitBatchedQueryTree(BATCHED, 2);
    expect(first).toBe(
      [
        'QUERY id: 4',
        '  PROJECTION COLUMNS',
        '    one UInt8',
        '  PROJECTION',
        '    LIST id: 5, nodes: 1',
        '      CONSTANT id: 6, constant_value: UInt64_1, constant_value_type: UInt8',
        '  JOIN TREE',
        '    TABLE id: 7, alias: __table2, table_name: system.one',
        '',
      ].join('\n'),
    );
    expect(second?.split('\n').slice(0, 4)).toEqual([
      'UNION id: 8, union_mode: UNION_ALL',
      '  QUERIES',
      '    LIST id: 9, nodes: 2',
      '      QUERY id: 10, is_subquery: 1',
    ]);
  });

  it('refuses an answer that does not hold the subqueries asked for, so that each model is analyzed alone', () => {
    expect(() => splitBatchedQueryTree(BATCHED, 3)).toThrow('holds 2 subqueries, not 3');
    expect(() => splitBatchedQueryTree('QUERY id: 0\n  PROJECTION COLUMNS\n    one UInt8\n', 1)).toThrow('cross join');
  });
});
